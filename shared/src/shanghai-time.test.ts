import { endOfShanghaiMonth, shanghaiMonthKey, startOfShanghaiDay, startOfShanghaiMonth, shanghaiTime, startOfShanghaiWeek } from './shanghai-time';

describe('Asia/Shanghai calendar arithmetic', () => {
  it('puts 16:30 UTC on the last day of a month into the next Shanghai month', () => {
    expect(shanghaiMonthKey(new Date('2026-01-31T16:30:00Z'))).toBe('2026-02');
    expect(shanghaiMonthKey(new Date('2026-01-31T15:59:59.999Z'))).toBe('2026-01');
  });

  it('ends a month at 23:59:59.999 Shanghai time, i.e. 15:59:59.999 UTC', () => {
    expect(endOfShanghaiMonth(new Date('2026-02-10T00:00:00Z'), 0).toISOString()).toBe('2026-02-28T15:59:59.999Z');
  });

  it('counts the third month after the deposit month across a year end', () => {
    expect(endOfShanghaiMonth(new Date('2026-11-26T04:00:00Z'), 3).toISOString()).toBe('2027-02-28T15:59:59.999Z');
    expect(endOfShanghaiMonth(new Date('2027-10-05T00:00:00Z'), 3).toISOString()).toBe('2028-01-31T15:59:59.999Z');
  });

  it('handles leap Februaries', () => {
    expect(endOfShanghaiMonth(new Date('2027-11-15T00:00:00Z'), 3).toISOString()).toBe('2028-02-29T15:59:59.999Z');
  });

  it('starts the Shanghai day, week (Monday) and month at local midnight', () => {
    const at = new Date('2026-11-26T20:00:00Z'); // Friday 27 Nov, 04:00 in Shanghai
    expect(startOfShanghaiDay(at).toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(startOfShanghaiWeek(at).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(startOfShanghaiMonth(at).toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });

  it('tells the time of day a clock in Shanghai shows, across the date line', () => {
    expect(shanghaiTime(new Date('2026-02-28T16:05:09Z'))).toEqual({ year: 2026, month: 3, day: 1, weekday: 0, hours: 0, minutes: 5, seconds: 9 });
    expect(shanghaiTime(new Date('2026-11-26T06:05:09Z'))).toMatchObject({ month: 11, day: 26, hours: 14, minutes: 5, seconds: 9 });
  });
});
