/**
 * The simulator's fault injection: which misbehaviour a business request suffers. A seeded PRNG
 * (not Math.random) so that a test that sets `seed` sees the same faults on every run.
 */

export interface FaultSettings {
  /** Share of requests answered 503 before any work is done. */
  errorRate: number;
  /** Share of requests refused with a definite 422 REFUSED before any work is done. */
  refusalRate: number;
  /** Delay added before every answer (after the work is done). */
  latencyMs: number;
  /** Share of requests whose work is done but whose answer is held far past any client timeout. */
  timeoutRate: number;
  /** Share of requests whose work is done and whose connection is then dropped without an answer. */
  lostAnswerRate: number;
  seed: number;
}

export type Fault = 'none' | 'error' | 'refusal' | 'timeout' | 'lost';

export const NO_FAULTS: FaultSettings = { errorRate: 0, refusalRate: 0, latencyMs: 0, timeoutRate: 0, lostAnswerRate: 0, seed: 1 };

/** Bounds a demo's `latencyMs`, so that a typo cannot park connections for hours. */
export const MAX_LATENCY_MS = 60_000;

/**
 * One draw per request, the rates stacked in the order error, refusal, timeout, lost: a request suffers
 * at most one fault, and rates that add up to 1 or more leave no request untouched.
 */
export function drawFault(settings: FaultSettings, random: () => number): Fault {
  const anyFault = settings.errorRate + settings.refusalRate + settings.timeoutRate + settings.lostAnswerRate;
  if (anyFault <= 0) return 'none';
  const roll = random();
  if (roll < settings.errorRate) return 'error';
  if (roll < settings.errorRate + settings.refusalRate) return 'refusal';
  if (roll < settings.errorRate + settings.refusalRate + settings.timeoutRate) return 'timeout';
  if (roll < anyFault) return 'lost';
  return 'none';
}
