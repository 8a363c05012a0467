import { enqueueMessage } from '../modules/outbox/outbox';
import { manualClock } from '../platform/clock';
import { startOwnRedis, type OwnRedis } from '../test-support/own-redis';
import { startTestStack, type TestStack } from '../test-support/stack';
import { maintenanceIntervals } from './maintenance';

/** deliver-messages runs every JOB_INTERVAL_MS / 6, clamped to 500 ms. */
const JOB_INTERVAL_MS = 600;
const DELIVER_EVERY_MS = 500;

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function lastSuccessSeconds(metrics: string, job: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`liuliang_job_last_success_timestamp_seconds{job="${job}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('background jobs when Redis loses its data', () => {
  let redis: OwnRedis;
  let stack: TestStack;
  beforeAll(async () => {
    redis = await startOwnRedis();
    stack = await startTestStack({ JOBS_ENABLED: true, JOB_INTERVAL_MS, REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  const statusOf = async (id: string): Promise<string> => (await stack.server.deps.dataSource.query('SELECT status FROM outbox WHERE id = ?', [id]))[0].status;
  const enqueue = (to: string, text: string) => enqueueMessage(stack.server.deps.dataSource.manager, { channel: 'sms', to, template: 'test', text }, new Date());
  // A few intervals of the job: the re-registration check runs about once per shortest interval.
  const resumeWithinMs = 8 * DELIVER_EVERY_MS + 2_000;

  it('sends a due message within a few intervals after FLUSHALL wiped every schedule, and /metrics shows the fresh success', async () => {
    const before = await enqueue('13600000101', '清空之前');
    await waitFor('message before the wipe', () => statusOf(before), (s) => s === 'sent', resumeWithinMs);

    await redis.admin.flushall();
    // The schedules are gone (a job that was running may still record its success: not a schedule).
    expect(await redis.admin.keys('*:bull:maintenance:repeat:*')).toEqual([]);
    const wipedAtSeconds = Date.now() / 1000;

    const after = await enqueue('13600000102', '清空之后');
    await waitFor('message after the wipe', () => statusOf(after), (s) => s === 'sent', resumeWithinMs);
    expect(await stack.sim.listMessages('13600000102')).toEqual([expect.objectContaining({ channel: 'sms', text: '清空之后' })]);

    const metrics = (await stack.client.get('/metrics')).body as string;
    expect(lastSuccessSeconds(metrics, 'deliver-messages')).toBeGreaterThanOrEqual(wipedAtSeconds);
    expect(metrics).toContain('# TYPE liuliang_job_failures_total counter');
    // Every schedule is back, not only the one this test watched.
    const readiness = await stack.client.get('/readyz');
    expect(readiness.status).toBe(200);
    expect(readiness.body).toMatchObject({ status: 'ok', jobs: 'ok' });
    await waitFor('schedulers after the wipe', () => redis.admin.keys('*:bull:maintenance:repeat:*'), (keys) => {
      return Object.keys(maintenanceIntervals(stack.config)).every((name) => keys.some((k) => k.endsWith(`:repeat:${name}`)));
    }, resumeWithinMs);
  });

  it('sends a due message again after Redis restarted without its data', async () => {
    await redis.restartEmpty();
    const wipedAtSeconds = Date.now() / 1000;
    const after = await enqueue('13600000103', '重启之后');
    await waitFor('message after the restart', () => statusOf(after), (s) => s === 'sent', resumeWithinMs + 5_000);
    const metrics = (await stack.client.get('/metrics')).body as string;
    expect(lastSuccessSeconds(metrics, 'deliver-messages')).toBeGreaterThanOrEqual(wipedAtSeconds);
  });
});

describe('readiness while jobs are overdue', () => {
  const clock = manualClock(new Date());
  let stack: TestStack;
  beforeAll(async () => {
    // Minute-long intervals: no tick runs during the test after the first ones.
    stack = await startTestStack({ JOBS_ENABLED: true, JOB_INTERVAL_MS: 60_000 }, clock);
  });
  afterAll(() => stack?.close());

  it('names on /readyz every sweep with no success within three of its intervals, without taking the instance out of service', async () => {
    const names = Object.keys(maintenanceIntervals(stack.config));
    expect((await stack.client.get('/readyz')).body).toMatchObject({ status: 'ok', jobs: 'ok' });
    // The first ticks run at start; let them finish so none lands after the clock jumps.
    await waitFor('first ticks', () => stack.server.services.jobHealth.records(), (r) => names.every((n) => r[n].lastSuccessAtMs !== undefined), 10_000);

    // Past three of the longest interval: every sweep is overdue.
    clock.advanceMs(3 * Math.max(...Object.values(maintenanceIntervals(stack.config))) + 60_000);
    const readiness = await stack.client.get('/readyz');
    expect(readiness.status).toBe(200);
    expect(readiness.body).toEqual({ status: 'ok', database: 'ok', redis: 'ok', jobs: 'overdue', overdueJobs: names });
  });
});
