import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { manualClock } from '../platform/clock';
import { TEST_REDIS_URL } from '../test-support/database';
import { JobHealth } from './job-health';

describe('which background jobs are overdue', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const key = `lltest:${randomBytes(4).toString('hex')}:jobs:last-success`;
  const intervals = { fast: 1_000, slow: 10_000 };
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('calls a job overdue only after three of its intervals without a success', async () => {
    const clock = manualClock(new Date('2025-06-01T00:00:00Z'));
    const health = new JobHealth(intervals, redis, `${key}:alone`, clock);
    clock.advanceMs(3_000);
    expect(await health.overdueJobs()).toEqual([]);
    clock.advanceMs(1);
    expect(await health.overdueJobs()).toEqual(['fast']);
    await health.track('fast', async () => 1);
    expect(await health.overdueJobs()).toEqual([]);
    clock.advanceMs(30_000);
    expect(await health.overdueJobs()).toEqual(['fast', 'slow']);
    await redis.del(`${key}:alone`);
  });

  it("counts a success in another process, and this process's own success after Redis lost the record", async () => {
    const clock = manualClock(new Date('2025-06-01T00:00:00Z'));
    const ran = new JobHealth(intervals, redis, key, clock);
    const idle = new JobHealth(intervals, redis, key, clock);
    clock.advanceMs(2_500);
    await ran.track('fast', async () => 1);
    clock.advanceMs(2_500);
    expect(await idle.overdueJobs()).toEqual([]);
    expect((await idle.records()).fast.lastSuccessAtMs).toBe(clock.now().getTime() - 2_500);

    await redis.del(key);
    expect(await ran.overdueJobs()).toEqual([]);
    expect(await idle.overdueJobs()).toEqual(['fast']);
  });

  it('counts failures and leaves the last success where it was', async () => {
    const clock = manualClock(new Date('2025-06-01T00:00:00Z'));
    const health = new JobHealth(intervals, redis, `${key}:failing`, clock);
    await expect(health.track('slow', async () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect(await health.records()).toEqual({ fast: { lastSuccessAtMs: undefined, failures: 0 }, slow: { lastSuccessAtMs: undefined, failures: 1 } });
  });
});
