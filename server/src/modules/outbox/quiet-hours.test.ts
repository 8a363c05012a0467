import { releaseAfterQuietHours } from './quiet-hours';

describe('quiet hours (Asia/Shanghai)', () => {
  const quiet = { startHour: 22, endHour: 8 };
  // Shanghai is UTC+8: 22:00 there is 14:00 UTC.
  it.each([
    ['21:59:59 is sent at once', '2026-01-10T13:59:59.000Z', '2026-01-10T13:59:59.000Z'],
    ['22:00 waits for 08:00 the next morning', '2026-01-10T14:00:00.000Z', '2026-01-11T00:00:00.000Z'],
    ['23:30 waits for 08:00 the next morning', '2026-01-10T15:30:12.345Z', '2026-01-11T00:00:00.000Z'],
    ['00:10 (after midnight) waits for 08:00 the same day', '2026-01-10T16:10:00.000Z', '2026-01-11T00:00:00.000Z'],
    ['07:59 waits one minute', '2026-01-10T23:59:00.000Z', '2026-01-11T00:00:00.000Z'],
    ['08:00 is sent at once', '2026-01-11T00:00:00.000Z', '2026-01-11T00:00:00.000Z'],
    ['noon is sent at once', '2026-01-11T04:00:00.000Z', '2026-01-11T04:00:00.000Z'],
  ])('%s', (_name, at, release) => {
    expect(releaseAfterQuietHours(new Date(at), quiet).toISOString()).toBe(release);
  });
  it('handles quiet hours that do not wrap midnight, and none at all', () => {
    expect(releaseAfterQuietHours(new Date('2026-01-10T18:30:00.000Z'), { startHour: 1, endHour: 5 }).toISOString()).toBe('2026-01-10T21:00:00.000Z');
    expect(releaseAfterQuietHours(new Date('2026-01-10T15:00:00.000Z'), { startHour: 0, endHour: 0 }).toISOString()).toBe('2026-01-10T15:00:00.000Z');
  });
});
