import { LRUCache } from 'lru-cache';
import type { Lang } from '../commands/command';

/**
 * Runs message handlers with bounded concurrency and a bounded queue: a flood of "抢" in a busy
 * room waits its turn instead of opening thousands of requests, and past the queue bound it is
 * dropped (and logged) rather than growing memory without limit.
 */
export class TaskLimiter {
  private active = 0;
  private readonly queue: (() => Promise<void>)[] = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {
    if (!(maxConcurrent >= 1) || !(maxQueued >= 0)) throw new RangeError('TaskLimiter bounds must be positive');
  }

  /** False when the task was dropped because the queue is full. */
  run(task: () => Promise<void>): boolean {
    if (this.active < this.maxConcurrent) {
      this.launch(task);
      return true;
    }
    if (this.queue.length >= this.maxQueued) return false;
    this.queue.push(task);
    return true;
  }

  get pending(): number {
    return this.active + this.queue.length;
  }

  private launch(task: () => Promise<void>): void {
    this.active += 1;
    void task()
      .catch(() => undefined)
      .finally(() => {
        this.active -= 1;
        const next = this.queue.shift();
        if (next !== undefined) this.launch(next);
      });
  }
}

/**
 * lru-cache options that read the bot's injected clock on every look-up (ttlResolution 0: no
 * cached time, no timer), so tests move time as they move it for everything else.
 */
function injectedClock(now: () => number): { perf: { now: () => number }; ttlResolution: number } {
  return { perf: { now }, ttlResolution: 0 };
}

/** How long an identical complaint is not repeated in the same place. */
export const REPEAT_WINDOW_MS = 10_000;
const REPEAT_KEYS_MAX = 10_000;

/**
 * Keeps the bot from repeating itself: when fifty people say "抢" after a packet is gone, the
 * room hears "已经被抢完了" once, not fifty times.
 */
export class RepeatSuppressor {
  /** Keys said within the window; the cache forgets them when it passes. */
  private readonly said: LRUCache<string, true>;

  constructor(windowMs: number, now: () => number) {
    this.said = new LRUCache({ max: REPEAT_KEYS_MAX, ttl: windowMs, ...injectedClock(now) });
  }

  /** True (and remembered) when `key` was not said within the window. */
  allow(key: string): boolean {
    if (this.said.has(key)) return false;
    this.said.set(key, true);
    return true;
  }
}

/** A phone number given in "/bind <phone>", waiting for the code from the SMS. */
export interface PendingBind {
  phone: string;
  lang: Lang;
}

/** A code is valid for 5 minutes (SPEC §4); the bot waits a little longer for a slow typist. */
export const PENDING_BIND_TTL_MS = 10 * 60_000;
const PENDING_BINDS_MAX = 10_000;

/** Who asked for a code for which phone, bounded and expiring. */
export class PendingBinds {
  private readonly byContactId: LRUCache<string, PendingBind>;

  constructor(now: () => number) {
    this.byContactId = new LRUCache({ max: PENDING_BINDS_MAX, ttl: PENDING_BIND_TTL_MS, ...injectedClock(now) });
  }

  set(contactId: string, phone: string, lang: Lang): void {
    this.byContactId.set(contactId, { phone, lang });
  }

  get(contactId: string): PendingBind | null {
    return this.byContactId.get(contactId) ?? null;
  }

  delete(contactId: string): void {
    this.byContactId.delete(contactId);
  }
}
