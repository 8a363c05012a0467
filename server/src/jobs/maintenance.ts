import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Config } from '../config';
import type { Deps } from '../deps';
import { redisKey } from '../deps';
import type { MessageProvider } from '../carrier/sms-provider';
import { inTransaction } from '../db/sql';
import { deliverDueMessages } from '../modules/outbox/sender';
import { JobHealth } from './job-health';

/** Background work, each job idempotent on its own (status guards, row locks). */
export type MaintenanceTask = () => Promise<number>;

/** Bounds on how often the schedules are written again (see startMaintenance). */
const RESCHEDULE_MIN_MS = 1_000;
const RESCHEDULE_MAX_MS = 60_000;

/** How often each job runs: one place, read by the scheduler and by the overdue check. */
export function maintenanceIntervals(config: Config): Record<string, number> {
  const every = config.JOB_INTERVAL_MS;
  return {
    'sweep-expired-lots': every * 2,
    'refund-expired-gifts': every,
    'reconcile-deposits': every,
    'refund-expired-red-packets': Math.max(1000, Math.floor(every / 3)),
    'settle-orphan-grabs': Math.max(1000, Math.floor(every / 3)),
    'deliver-messages': Math.max(500, Math.floor(every / 6)),
    'purge-idempotency-records': every * 10,
    'settle-crowdfunds': Math.max(1000, Math.floor(every / 3)),
    'end-finished-activities': every,
    'sweep-expired-budgets': every * 2,
    // Cash-out orders waiting for a query or left by a dead process: a second or so at the default.
    'wake-cashout-orders': Math.max(200, Math.floor(every / 30)),
    'reconcile-cashout': every * 10,
    'settle-expired-coupon-batches': every,
    // Broadcasts go out within a second or so of their time; each run sends batches until done.
    'send-broadcasts': Math.max(500, Math.floor(every / 6)),
    'schedule-reminders': Math.max(1000, Math.floor(every / 2)),
    // A 红包雨 drops within this of its time: one small query a tick, and worth being punctual.
    'drop-due-rain': Math.max(2000, Math.floor(every / 15)),
  };
}

/** Tracks the jobs this configuration runs; none when the process runs no jobs. */
export function createJobHealth(deps: Deps): JobHealth {
  const intervals = deps.config.JOBS_ENABLED ? maintenanceIntervals(deps.config) : {};
  return new JobHealth(intervals, deps.redis, redisKey(deps.config, 'jobs', 'last-success'), deps.clock);
}

/**
 * What the jobs call, and no more: the composition root hands its services in, so jobs/ depends
 * on these few methods rather than on the app that builds them (or on the HTTP layer, which owns
 * the idempotency records).
 */
export interface MaintainedServices {
  gifts: { refundExpiredGifts(): Promise<number> };
  storage: { reconcilePending(): Promise<number> };
  redPackets: { refundExpiredPackets(): Promise<number>; settleOrphanGrabs(): Promise<number> };
  jobHealth: Pick<JobHealth, 'track'>;
  crowdfunds: { settleClosedCrowdfunds(): Promise<number> };
  activities: { endFinishedActivities(): Promise<number>; messages: { sendDueBroadcasts(): Promise<number>; scheduleReminders(): Promise<number> } };
  sponsors: { sweepExpiredBudgets(): Promise<number> };
  cashout: { wakeDueOrders(): Promise<number> };
  reconciliation: { reconcileYesterdayIfDue(): Promise<number> };
  rain: { dropDueRain(): Promise<number> };
  coupons: { settleExpiredBatches(): Promise<number> };
  purgeIdempotencyRecords(): Promise<number>;
}

export function maintenanceTasks(deps: Deps, services: MaintainedServices, provider: MessageProvider): Record<string, { everyMs: number; run: MaintenanceTask }> {
  const runs: Record<string, MaintenanceTask> = {
    'sweep-expired-lots': () => inTransaction(deps.dataSource, (sql) => deps.ledger.sweepExpiredLots(sql)),
    'refund-expired-gifts': () => services.gifts.refundExpiredGifts(),
    'reconcile-deposits': () => services.storage.reconcilePending(),
    'refund-expired-red-packets': () => services.redPackets.refundExpiredPackets(),
    'settle-orphan-grabs': () => services.redPackets.settleOrphanGrabs(),
    'deliver-messages': () => deliverDueMessages(deps, provider),
    'purge-idempotency-records': () => services.purgeIdempotencyRecords(),
    'settle-crowdfunds': () => services.crowdfunds.settleClosedCrowdfunds(),
    'end-finished-activities': () => services.activities.endFinishedActivities(),
    'sweep-expired-budgets': () => services.sponsors.sweepExpiredBudgets(),
    'wake-cashout-orders': () => services.cashout.wakeDueOrders(),
    'reconcile-cashout': () => services.reconciliation.reconcileYesterdayIfDue(),
    'settle-expired-coupon-batches': () => services.coupons.settleExpiredBatches(),
    'send-broadcasts': () => services.activities.messages.sendDueBroadcasts(),
    'schedule-reminders': () => services.activities.messages.scheduleReminders(),
    'drop-due-rain': () => services.rain.dropDueRain(),
  };
  const intervals = maintenanceIntervals(deps.config);
  return Object.fromEntries(
    Object.entries(runs).map(([name, run]) => [name, { everyMs: intervals[name], run: () => services.jobHealth.track(name, run) }]),
  );
}

/**
 * Runs the tasks on BullMQ job schedulers: however many server processes run, each tick is one
 * job taken by exactly one worker (rather than a timer firing in every process).
 *
 * The schedules live in Redis only. Redis wiped (FLUSHALL) or restarted without its data would
 * silently stop every job until a process restart, so they are written again when the
 * connection comes back and on a timer. upsertJobScheduler is idempotent: with an unchanged
 * `every` it replaces the pending tick at the same time, so writing it again never delays a job.
 */
export async function startMaintenance(deps: Deps, tasks: Record<string, { everyMs: number; run: MaintenanceTask }>): Promise<() => Promise<void>> {
  const connection: ConnectionOptions = { url: deps.config.REDIS_URL, maxRetriesPerRequest: null } as ConnectionOptions;
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue('maintenance', { connection, prefix });
  const registerSchedules = async () => {
    for (const [name, task] of Object.entries(tasks)) {
      await queue.upsertJobScheduler(name, { every: task.everyMs }, { name, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    }
  };
  await registerSchedules();

  let registering = false;
  const registerAgain = async (why: string) => {
    if (registering) return;
    registering = true;
    try {
      await registerSchedules();
    } catch (error) {
      // Redis is away; the next reconnect or tick tries again.
      deps.logger.warn({ err: error, why }, 'maintenance schedules not registered');
    } finally {
      registering = false;
    }
  };
  const client = await queue.client;
  const onReconnect = () => void registerAgain('redis reconnected');
  client.on('ready', onReconnect);
  // Within one interval of the shortest job, so every job resumes within about its own interval.
  const shortestMs = Math.min(...Object.values(tasks).map((t) => t.everyMs));
  const checkEveryMs = Math.min(RESCHEDULE_MAX_MS, Math.max(RESCHEDULE_MIN_MS, shortestMs));
  const timer = setInterval(() => void registerAgain('periodic check'), checkEveryMs);
  timer.unref();

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
    clearInterval(timer);
    client.off('ready', onReconnect);
    await worker.close();
    await queue.close();
  };
}
