/** Time is injected so that expiry, month ends and limits are testable (STYLE). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand. */
export function manualClock(start: Date): Clock & { set(at: Date): void; advanceMs(ms: number): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = at.getTime();
    },
    advanceMs: (ms) => {
      current += ms;
    },
  };
}

/**
 * The system clock, moved ahead by hand: time still runs (timeouts, other processes, the
 * carrier), and a test skips a wait (a grace period, a reconciliation delay) by advancing it.
 * Only ever ahead, so anything already due stays due.
 */
export function advanceableClock(): Clock & { advanceMs(ms: number): void } {
  let aheadMs = 0;
  return {
    now: () => new Date(Date.now() + aheadMs),
    advanceMs: (ms) => {
      if (!(ms >= 0)) throw new Error(`advanceableClock moves forward only, got ${ms} ms`);
      aheadMs += ms;
    },
  };
}
