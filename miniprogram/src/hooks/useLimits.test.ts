import { FALLBACK_LIMITS } from '../forms/limits';
import { loadLimits } from './useLimits';

describe('loadLimits', () => {
  it('asks the service once per session however many pages want the limits', async () => {
    const configured = { ...FALLBACK_LIMITS, deposit: { minMb: 20, monthlyCapMb: 2048 } };
    const api = { getLimits: jest.fn().mockResolvedValue(configured) };
    expect(await loadLimits(api)).toBe(configured);
    expect(await loadLimits(api)).toBe(configured);
    expect(api.getLimits).toHaveBeenCalledTimes(1);
  });

  it('falls back to the built-in defaults when the request fails, and asks again next time', async () => {
    const api = { getLimits: jest.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(FALLBACK_LIMITS) };
    expect(await loadLimits(api)).toBe(FALLBACK_LIMITS);
    await loadLimits(api);
    expect(api.getLimits).toHaveBeenCalledTimes(2);
  });
});
