import type { Redis } from 'ioredis';
import type { Deps } from '../../deps';

type CarrierPlan = Awaited<ReturnType<Deps['carrier']['queryPlan']>>;

/**
 * The carrier's answer about a user's plan, kept briefly for `GET /storage` (a view must not
 * call the carrier every time). It lives in Redis, which every server process shares: a deposit
 * made through one process invalidates the view another one serves. Invalidation bumps the
 * user's generation rather than deleting the entry, so a view that asked the carrier before a
 * deposit and stores its answer after cannot put the old plan back: it is stored under the old
 * generation and never read. Without Redis the view simply asks the carrier.
 */
export class PlanCache {
  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (...parts: string[]) => string,
    private readonly seconds: number,
  ) {}

  /** The cached plan, or a miss; `generation` goes back to `remember` with what the carrier said. */
  async recall(userId: string): Promise<{ plan: CarrierPlan | null; generation: string }> {
    if (this.seconds <= 0) return { plan: null, generation: '0' };
    try {
      const [entry, generation] = await this.redis.mget(this.keyOf('storage-plan', userId), this.keyOf('storage-plan-gen', userId));
      const cached = entry ? (JSON.parse(entry) as { generation: string; plan: CarrierPlan }) : null;
      return { plan: cached && cached.generation === (generation ?? '0') ? cached.plan : null, generation: generation ?? '0' };
    } catch {
      return { plan: null, generation: '0' };
    }
  }

  async remember(userId: string, generation: string, plan: CarrierPlan): Promise<void> {
    if (this.seconds <= 0) return;
    await this.redis.set(this.keyOf('storage-plan', userId), JSON.stringify({ generation, plan }), 'EX', this.seconds).catch(() => undefined);
  }

  /** The user's plan changed (their deposit): whatever is cached, or about to be, is stale. */
  async forget(userId: string): Promise<void> {
    if (this.seconds <= 0) return;
    const key = this.keyOf('storage-plan-gen', userId);
    // The generation outlives any entry it guards.
    await this.redis
      .multi()
      .incr(key)
      .expire(key, 2 * this.seconds)
      .exec()
      .catch(() => undefined);
  }
}
