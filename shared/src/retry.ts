/**
 * The one retry loop of the code base: the server's transactions and start-up wait and the
 * bot's outbox reports all try again the same way. Plain ECMAScript (setTimeout only), so the
 * mini-program may import it as well.
 */
export interface RetryPolicy {
  /** Tries in all, the first included; Infinity only when `retryIf` bounds the loop (a deadline). */
  maxAttempts: number;
  /** The pause after the `attempt`-th failure (1 for the first). */
  delayMs: (attempt: number) => number;
  /** Whether a failure may be tried again; every failure may when absent. */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Told of each failure that will be tried again, before the pause (to log it). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `work` until it succeeds or the policy gives up; then rethrows the last failure. */
export async function withRetry<T>(work: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  if (!(policy.maxAttempts >= 1)) throw new RangeError(`maxAttempts must be >= 1, got ${policy.maxAttempts}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || (policy.retryIf && !policy.retryIf(error, attempt))) throw error;
      const delayMs = Math.max(0, policy.delayMs(attempt));
      policy.onRetry?.(error, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** firstMs after the first failure, doubling after each later one, never more than maxMs. */
export function doublingDelayMs(attempt: number, firstMs: number, maxMs: number): number {
  // The exponent is clamped so that 2 ** n stays finite however many failures; the cap is reached long before.
  return Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
}
