import { REPLAY_WINDOW_MS } from './signing';

/**
 * The nonces a receiver has accepted inside the replay window, so that a captured request is
 * accepted once, not again with its still-fresh timestamp. Bounded: when full it refuses new
 * nonces ("full") rather than forgetting live ones, because forgetting would reopen replay.
 */

/** ~100 bytes each: at most ~10 MB, and 100 000 signed requests per window is ~330 a second. */
export const MAX_REMEMBERED_NONCES = 100_000;

export type NonceVerdict = 'fresh' | 'replayed' | 'full';

export class NonceCache {
  /** nonce → the time after which its request is stale anyway; Map keeps insertion order. */
  private readonly staleAtMs = new Map<string, number>();

  constructor(
    private readonly capacity: number = MAX_REMEMBERED_NONCES,
    private readonly windowMs: number = REPLAY_WINDOW_MS,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error(`NonceCache: capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.staleAtMs.size;
  }

  /** Records `nonce` of a request signed at `timestampMs` (already checked to be in the window). */
  remember(nonce: string, timestampMs: number, nowMs: number): NonceVerdict {
    this.forgetStale(nowMs);
    const staleAtMs = this.staleAtMs.get(nonce);
    if (staleAtMs !== undefined && staleAtMs >= nowMs) return 'replayed';
    if (staleAtMs === undefined && this.staleAtMs.size >= this.capacity) return 'full';
    // Deleted first so that a re-remembered nonce moves to the back, keeping the order by age.
    this.staleAtMs.delete(nonce);
    this.staleAtMs.set(nonce, timestampMs + this.windowMs);
    return 'fresh';
  }

  /**
   * Drops stale nonces from the front. Timestamps arrive nearly in order (within the window), so
   * an entry stuck behind a younger one is kept at most one window longer: bounded, not leaked.
   */
  private forgetStale(nowMs: number): void {
    for (const [nonce, staleAtMs] of this.staleAtMs) {
      if (staleAtMs >= nowMs) break;
      this.staleAtMs.delete(nonce);
    }
  }
}
