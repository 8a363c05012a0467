import { doublingDelayMs, withRetry } from './retry';

describe('withRetry', () => {
  it('tries again after each failure it may retry, with the pause the policy names, until the work succeeds', async () => {
    const pauses: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        if (attempt < 3) throw new Error(`failure ${attempt}`);
        return attempt;
      },
      { maxAttempts: 5, delayMs: (attempt) => attempt, onRetry: (_error, _attempt, delayMs) => pauses.push(delayMs) },
    );
    expect(result).toBe(3);
    expect(pauses).toEqual([1, 2]);
  });

  it('rethrows the last failure after maxAttempts tries', async () => {
    let tries = 0;
    const failing = () => withRetry(async () => Promise.reject(new Error(`failure ${++tries}`)), { maxAttempts: 3, delayMs: () => 0 });
    await expect(failing()).rejects.toThrow('failure 3');
    expect(tries).toBe(3);
  });

  it('rethrows at once a failure the policy does not retry', async () => {
    let tries = 0;
    const policy = { maxAttempts: 5, delayMs: () => 0, retryIf: (error: unknown) => (error as Error).message !== 'final' };
    await expect(withRetry(async () => Promise.reject(new Error(++tries === 1 ? 'passing' : 'final')), policy)).rejects.toThrow('final');
    expect(tries).toBe(2);
  });

  it('refuses a policy without a single attempt', async () => {
    await expect(withRetry(async () => 1, { maxAttempts: 0, delayMs: () => 0 })).rejects.toThrow(RangeError);
  });
});

describe('doublingDelayMs', () => {
  it('starts at the first pause, doubles, and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 1000].map((attempt) => doublingDelayMs(attempt, 250, 5_000))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});
