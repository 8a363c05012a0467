import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Cap on the pause between reconnection attempts. ioredis fails a command after
 * `maxRetriesPerRequest` reconnections; its default cap (2 s) kept a request waiting ~6 s
 * before it could answer 503, this one keeps it near 2 s.
 */
export const REDIS_RECONNECT_MAX_DELAY_MS = 500;
/** Reconnections a request's command waits through before it fails (and the request answers 503). */
export const REDIS_RETRIES_PER_REQUEST = 3;

/** The service's Redis client: reconnects for ever, fails a request's command after a few tries. */
export function createRedisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: REDIS_RETRIES_PER_REQUEST,
    // Auto-pipelining batches the commands of concurrent requests into one write per tick.
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(attempt * 50, REDIS_RECONNECT_MAX_DELAY_MS),
  });
  logConnectionState(redis, logger, 'main');
  return redis;
}

/** A second connection with the main client's address and options, plus its own overrides. */
export function duplicateRedisClient(redis: Redis, logger: Logger, role: string, overrides: Partial<RedisOptions>): Redis {
  const copy = redis.duplicate(overrides);
  logConnectionState(copy, logger, role);
  return copy;
}

/**
 * Every client has an error listener (ioredis would otherwise print each failed reconnection),
 * and an outage is one warning when it starts and one line when it ends, not one per attempt.
 */
function logConnectionState(redis: Redis, logger: Logger, role: string): void {
  let down = false;
  redis.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    logger.warn({ err: error, redis: role }, 'Redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.warn({ redis: role }, 'Redis connection is back');
  });
}
