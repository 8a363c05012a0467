import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Deps } from '../deps';
import type { Services } from '../app';
import type { MessageProvider } from '../carrier/sms-provider';
import { inTransaction } from '../db/sql';
import { deliverDueMessages } from '../modules/outbox/sender';

/** Background work, each job idempotent on its own (status guards, row locks). */
export type MaintenanceTask = () => Promise<number>;

export function maintenanceTasks(deps: Deps, services: Services, provider: MessageProvider): Record<string, { everyMs: number; run: MaintenanceTask }> {
  const every = deps.config.JOB_INTERVAL_MS;
  return {
    'sweep-expired-lots': { everyMs: every * 2, run: () => inTransaction(deps.dataSource, (sql) => deps.ledger.sweepExpiredLots(sql)) },
    'refund-expired-gifts': { everyMs: every, run: () => services.gifts.refundExpiredGifts() },
    'reconcile-deposits': { everyMs: every, run: () => services.storage.reconcilePending() },
    'refund-expired-red-packets': { everyMs: Math.max(1000, Math.floor(every / 3)), run: () => services.redPackets.refundExpiredPackets() },
    'settle-orphan-grabs': { everyMs: Math.max(1000, Math.floor(every / 3)), run: () => services.redPackets.settleOrphanGrabs() },
    'deliver-messages': { everyMs: Math.max(500, Math.floor(every / 6)), run: () => deliverDueMessages(deps, provider) },
  };
}

/**
 * Runs the tasks on BullMQ job schedulers: however many server processes run, each tick is one
 * job taken by exactly one worker (rather than a timer firing in every process).
 */
export async function startMaintenance(deps: Deps, tasks: Record<string, { everyMs: number; run: MaintenanceTask }>): Promise<() => Promise<void>> {
  const connection: ConnectionOptions = { url: deps.config.REDIS_URL, maxRetriesPerRequest: null } as ConnectionOptions;
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue('maintenance', { connection, prefix });
  for (const [name, task] of Object.entries(tasks)) {
    await queue.upsertJobScheduler(name, { every: task.everyMs }, { name, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
  const worker = new Worker(
    'maintenance',
    async (job) => {
      const task = tasks[job.name];
      if (!task) return 0;
      return task.run();
    },
    { connection, prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.name }, 'maintenance job failed'));
  return async () => {
    await worker.close();
    await queue.close();
  };
}
