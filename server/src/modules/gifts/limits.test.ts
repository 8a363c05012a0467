import { brokenGiftLimit, giftWindows } from './limits';

const limits = { daily: 3, weekly: 5, monthly: 10 };

describe('gift limits', () => {
  it.each([
    [{ today: 2, thisWeek: 2, thisMonth: 2 }, null],
    [
      { today: 3, thisWeek: 3, thisMonth: 3 },
      { details: { rule: 'gift.daily', limit: 3 }, message: 'You can send at most 3 gifts a day.' },
    ],
    [
      { today: 0, thisWeek: 5, thisMonth: 5 },
      { details: { rule: 'gift.weekly', limit: 5 }, message: 'You can send at most 5 gifts a week.' },
    ],
    [
      { today: 0, thisWeek: 0, thisMonth: 10 },
      { details: { rule: 'gift.monthly', limit: 10 }, message: 'You can send at most 10 gifts a month.' },
    ],
  ])('with counts %o breaks %o', (counts, expected) => {
    expect(brokenGiftLimit(counts, limits)).toEqual(expected);
  });

  it('counts days from midnight in Shanghai, not UTC', () => {
    expect(giftWindows(new Date('2026-11-26T17:00:00Z')).dayStart.toISOString()).toBe('2026-11-26T16:00:00.000Z');
  });
});
