import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../test-support/database';
import { RateLimits, type LimitRule } from './rate-limits';

/**
 * The limits on the service's own kind of client (auto-pipelining on, as createRedisClient
 * makes it), against the real Redis.
 */
describe('rate limits', () => {
  let redis: Redis;
  const prefix = `lltest:rl:${randomBytes(4).toString('hex')}`;
  beforeEach(() => {
    redis = new Redis(TEST_REDIS_URL, { enableAutoPipelining: true });
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  const rule = (name: string, points = 2): LimitRule => ({ name, points, durationSeconds: 60, message: 'slow down' });

  it('counts a rule’s first use while other commands wait in the same auto-pipeline (a process crashed on "results[i] is not iterable")', async () => {
    const limits = new RateLimits(redis, prefix);
    // A command of another request, queued in this tick's auto-pipeline before the rule's limiter exists.
    const pending = redis.get(`${prefix}:other`);
    await expect(limits.consume(rule('first-use'), 'user-1')).resolves.toBeUndefined();
    await expect(pending).resolves.toBeNull();
  });

  it('refuses past the allowance with Retry-After, and a refund gives a point back', async () => {
    const limits = new RateLimits(redis, prefix);
    const twice = rule('refunds');
    await limits.consume(twice, 'user-1');
    await limits.consume(twice, 'user-1');
    await expect(limits.consume(twice, 'user-1')).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'refunds', limit: 2 } });
    await limits.refund(twice, 'user-1', 2);
    await expect(limits.consume(twice, 'user-1')).resolves.toBeUndefined();
    // Another key has its own allowance.
    await expect(limits.consume(twice, 'user-2')).resolves.toBeUndefined();
  });
});
