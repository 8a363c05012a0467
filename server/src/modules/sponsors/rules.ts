import type { User } from '@liuliang/shared';
import type { RandomSource } from '../../platform/random';

/** The pure rules of activities: what a reward is, who may take part, how a streak counts. */

export type RewardRule = { mode: 'fixed'; amountMb: number } | { mode: 'random'; minMb: number; maxMb: number };

/** A reward in whole MB: the fixed amount, or uniform in [minMb, maxMb] drawn from `random`. */
export function drawRewardMb(reward: RewardRule, random: RandomSource): number {
  if (reward.mode === 'fixed') return reward.amountMb;
  const amountMb = reward.minMb + Math.floor(random() * (reward.maxMb - reward.minMb + 1));
  // random() is in [0, 1); a source that returns 1 would overshoot, and a reward is never more than its maximum.
  if (!Number.isSafeInteger(amountMb) || amountMb < reward.minMb || amountMb > reward.maxMb) throw new Error(`drew ${amountMb} MB outside [${reward.minMb}, ${reward.maxMb}]`);
  return amountMb;
}

export interface Targeting {
  provinces: readonly string[];
  carriers: readonly string[];
  newUsersOnly: boolean;
}

/** Empty lists target everyone; `newUsersOnly` means signed up after the activity's start (SPEC §3.9). */
export function isEligible(targeting: Targeting, user: Pick<User, 'province' | 'carrier' | 'createdAt'>, startsAt: Date): boolean {
  if (targeting.provinces.length > 0 && !targeting.provinces.includes(user.province)) return false;
  if (targeting.carriers.length > 0 && !targeting.carriers.includes(user.carrier)) return false;
  if (targeting.newUsersOnly && new Date(user.createdAt) <= startsAt) return false;
  return true;
}

/** `YYYY-MM-DD` of a Shanghai calendar day, shifted by `days`. */
export function shiftDay(day: string, days: number): string {
  const at = new Date(`${day}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** Today's streak: one more than yesterday's when the user checked in yesterday, else 1. */
export function nextStreak(today: string, last: { day: string; streak: number } | null): number {
  return last && last.day === shiftDay(today, -1) ? last.streak + 1 : 1;
}
