import { afterFailure, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETRY_BASE_MS, OUTBOX_RETRY_CAP_MS, retryDelayMs } from './policy';

describe('the outbox retry policy', () => {
  const now = new Date('2025-01-01T00:00:00Z');

  it('waits the base after the first failure and twice as long after each later one, up to the cap', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1, 2, 4, 8].map((k) => k * OUTBOX_RETRY_BASE_MS));
    expect(retryDelayMs(1000)).toBe(OUTBOX_RETRY_CAP_MS);
  });

  it('retries a retryable failure until the last attempt, whose failure is final', () => {
    for (let attempts = 1; attempts < OUTBOX_MAX_ATTEMPTS; attempts++) expect(afterFailure(attempts, true, now).final).toBe(false);
    expect(afterFailure(OUTBOX_MAX_ATTEMPTS, true, now).final).toBe(true);
    expect(afterFailure(2, true, now).retryAt).toEqual(new Date(now.getTime() + 2 * OUTBOX_RETRY_BASE_MS));
  });

  it('takes a failure that sending again cannot help as final at the first attempt', () => {
    expect(afterFailure(1, false, now).final).toBe(true);
  });

  it('refuses a failure of a message never attempted', () => {
    expect(() => afterFailure(0, true, now)).toThrow(RangeError);
  });
});
