import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Deps } from '../deps';

/**
 * The cash-out orders' queue: a job per wake-up of an order, taken by one worker of whichever
 * process is free. A job is only a nudge: what an order does next is decided under its row lock
 * and lease (modules/cashout/runner.ts), so a duplicate job, or one a dead process held, is harmless.
 */
export async function startCashoutQueue(
  deps: Pick<Deps, 'config' | 'logger'>,
  drive: (orderId: string) => Promise<void>,
): Promise<{ wake(orderId: string): void; stop(): Promise<void> }> {
  const connection: ConnectionOptions = { url: deps.config.REDIS_URL, maxRetriesPerRequest: null } as ConnectionOptions;
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue('cashout-orders', { connection, prefix });
  const worker = new Worker('cashout-orders', async (job) => drive(String(job.data.orderId)), { connection, prefix, concurrency: deps.config.CASHOUT_CONCURRENCY });
  worker.on('failed', (job, error) => deps.logger.error({ err: error, orderId: job?.data?.orderId }, 'cash-out job failed'));
  return {
    wake(orderId) {
      // Lost when Redis is away: the sweep wakes every due order again.
      queue
        .add('drive', { orderId }, { removeOnComplete: true, removeOnFail: 100 })
        .catch((error: unknown) => deps.logger.warn({ err: error, orderId }, 'cash-out wake-up not queued'));
    },
    async stop() {
      await worker.close();
      await queue.close();
    },
  };
}
