import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { ErrorCode } from '@liuliang/shared';
import { DomainError } from './errors';

/** One limit: at most `points` within `durationSeconds`, counted per key. */
export interface LimitRule {
  /** Names the counter in Redis and in error details; stable, so counters survive deploys. */
  name: string;
  points: number;
  durationSeconds: number;
  /** What the client is told when the limit answers 429. */
  message: string;
  /** The error code of the 429, where a more specific one than RATE_LIMITED helps the client. */
  code?: Extract<ErrorCode, 'RATE_LIMITED' | 'CODE_TOO_MANY_TRIES'>;
}

/**
 * Every rate limit of the product in one place (SPEC §4: limits live in Redis, shared by every
 * process). rate-limiter-flexible counts with one atomic Lua call per consume; a limit that is
 * exceeded answers 429 RATE_LIMITED with Retry-After, and `details.rule` names which limit.
 */
export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    // rate-limiter-flexible defines its Lua command (rlflxIncr) on the client when a limiter is
    // first made. An auto-pipeline opened before that (another request's command in the same
    // tick) lacks the command: the consume failed and the pipeline's answer then threw
    // "results[i] is not iterable" outside any handler, killing the process. A rule's first use
    // came lazily, under load; the command is defined here, before any request runs.
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:define`, points: 1, duration: 1 });
  }

  private limiter(rule: LimitRule): RateLimiterRedis {
    let limiter = this.limiters.get(rule.name);
    if (!limiter) {
      limiter = new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${this.prefix}:rl:${rule.name}`, points: rule.points, duration: rule.durationSeconds });
      this.limiters.set(rule.name, limiter);
    }
    return limiter;
  }

  /** Counts one use; throws 429 when the rule's allowance for `key` is spent. */
  async consume(rule: LimitRule, key: string, points = 1): Promise<void> {
    try {
      await this.limiter(rule).consume(key, points);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooMany(rule, error.msBeforeNext);
      throw error;
    }
  }

  /** Throws 429 when the allowance is already spent, without counting this call (check first, count on failure). */
  async requireAllowance(rule: LimitRule, key: string): Promise<void> {
    const used = await this.limiter(rule).get(key);
    if (used && used.consumedPoints >= rule.points) throw tooMany(rule, used.msBeforeNext);
  }

  /**
   * Gives back points counted by `consume`: for a limit on failures that counts every attempt
   * up front (so parallel attempts cannot all slip under it) and refunds the ones that succeed.
   */
  async refund(rule: LimitRule, key: string, points = 1): Promise<void> {
    await this.limiter(rule).reward(key, points);
  }

  /** Forgets a key's count, e.g. once the right code has been given. */
  async reset(rule: LimitRule, key: string): Promise<void> {
    await this.limiter(rule).delete(key);
  }
}

function tooMany(rule: LimitRule, msBeforeNext: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new DomainError(rule.code ?? 'RATE_LIMITED', rule.message, { rule: rule.name, limit: rule.points, windowSeconds: rule.durationSeconds }, retryAfterSeconds);
}
