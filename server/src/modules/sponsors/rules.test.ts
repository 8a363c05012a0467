import { seededRandom } from '../../platform/random';
import { drawRewardMb, isEligible, nextStreak, shiftDay } from './rules';

describe('activity rules', () => {
  it('draws random rewards as whole MB within [min, max], both ends reachable', () => {
    const random = seededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const mb = drawRewardMb({ mode: 'random', minMb: 3, maxMb: 7 }, random);
      expect(Number.isInteger(mb) && mb >= 3 && mb <= 7).toBe(true);
      seen.add(mb);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(drawRewardMb({ mode: 'random', minMb: 3, maxMb: 7 }, () => 0.9999999)).toBe(7);
    expect(drawRewardMb({ mode: 'fixed', amountMb: 20 }, () => 0.5)).toBe(20);
  });

  it('refuses a random source that breaks its contract instead of overpaying', () => {
    expect(() => drawRewardMb({ mode: 'random', minMb: 1, maxMb: 2 }, () => 1)).toThrow(/outside/);
  });

  it('targets by province, carrier and sign-up after the start', () => {
    const start = new Date('2026-01-10T00:00:00Z');
    const user = { province: '广东', carrier: 'cmcc' as const, createdAt: '2026-01-11T00:00:00Z' };
    const all = { provinces: [], carriers: [], newUsersOnly: false };
    expect(isEligible(all, user, start)).toBe(true);
    expect(isEligible({ ...all, provinces: ['北京'] }, user, start)).toBe(false);
    expect(isEligible({ ...all, provinces: ['北京', '广东'] }, user, start)).toBe(true);
    expect(isEligible({ ...all, carriers: ['unicom'] }, user, start)).toBe(false);
    expect(isEligible({ ...all, newUsersOnly: true }, user, start)).toBe(true);
    expect(isEligible({ ...all, newUsersOnly: true }, { ...user, createdAt: '2026-01-09T00:00:00Z' }, start)).toBe(false);
  });

  it('counts a streak over consecutive days, across month and year ends', () => {
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDay('2027-01-01', -1)).toBe('2026-12-31');
    expect(nextStreak('2026-03-01', null)).toBe(1);
    expect(nextStreak('2026-03-01', { day: '2026-02-28', streak: 4 })).toBe(5);
    expect(nextStreak('2026-03-02', { day: '2026-02-28', streak: 4 })).toBe(1);
  });
});
