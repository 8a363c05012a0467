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
