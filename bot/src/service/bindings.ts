import type { Binding } from './schemas';

/** A binding changes only through this bot, so a found one can be trusted for a while. */
export const BOUND_CACHE_TTL_MS = 10 * 60_000;
/** "Not bound" is trusted briefly: the person may bind through another bot process. */
export const UNBOUND_CACHE_TTL_MS = 30_000;
/** Bounds memory; a group chat bot sees at most a few thousand people in any ten minutes. */
export const BINDING_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  binding: Binding | null;
  expiresAtMs: number;
}

/**
 * Remembers which chat contact is bound to which user, so that a burst of "抢" in a room does
 * not become a burst of binding look-ups. Time is injected so expiry is testable.
 */
export class BindingCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly lookUp: (contactId: string) => Promise<Binding | null>,
    private readonly now: () => number,
  ) {}

  async find(contactId: string): Promise<Binding | null> {
    const entry = this.entries.get(contactId);
    if (entry !== undefined && entry.expiresAtMs > this.now()) return entry.binding;
    const binding = await this.lookUp(contactId);
    this.remember(contactId, binding);
    return binding;
  }

  remember(contactId: string, binding: Binding | null): void {
    this.entries.delete(contactId);
    if (this.entries.size >= BINDING_CACHE_MAX_ENTRIES) {
      // Maps iterate in insertion order and every write re-inserts, so the first key is the oldest.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    const ttlMs = binding === null ? UNBOUND_CACHE_TTL_MS : BOUND_CACHE_TTL_MS;
    this.entries.set(contactId, { binding, expiresAtMs: this.now() + ttlMs });
  }
}
