import type { Activity } from '@liuliang/shared';

/** An activity as the service answers it, for the activity and sponsor page tests. */
export function anActivity(overrides: Partial<Activity> = {}): Activity {
  return {
    id: 'a-1',
    sponsorId: 's-1',
    sponsorName: '星河饮料',
    type: 'signin',
    title: '每日签到',
    status: 'running',
    startsAt: '2026-03-01T00:00:00.000Z',
    endsAt: '2026-03-31T00:00:00.000Z',
    budgetMb: 10240,
    paidMb: 30,
    remainingMb: 10210,
    perUserCapMb: 500,
    reward: { mode: 'fixed', amountMb: 10 },
    targeting: { provinces: [], carriers: [], newUsersOnly: false },
    templates: { rewarded: '{nickname} 获得 {amount}', reminder: null, ended: null },
    helpersNeeded: null,
    reminderAt: null,
    rain: null,
    ...overrides,
  };
}
