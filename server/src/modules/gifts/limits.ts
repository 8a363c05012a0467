import type { LimitDetails } from '@liuliang/shared';
import { startOfShanghaiDay, startOfShanghaiMonth, startOfShanghaiWeek } from '../../platform/shanghai-time';

export interface GiftLimits {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface GiftCounts {
  today: number;
  thisWeek: number;
  thisMonth: number;
}

/** The Shanghai calendar windows the limits count in (SPEC §3.2). */
export function giftWindows(now: Date): { dayStart: Date; weekStart: Date; monthStart: Date } {
  return { dayStart: startOfShanghaiDay(now), weekStart: startOfShanghaiWeek(now), monthStart: startOfShanghaiMonth(now) };
}

/** The first limit one more gift would break, with words for the sender, or null. */
export function brokenGiftLimit(counts: GiftCounts, limits: GiftLimits): { details: LimitDetails; message: string } | null {
  if (counts.today >= limits.daily) return { details: { rule: 'gift.daily', limit: limits.daily }, message: `You can send at most ${limits.daily} gifts a day.` };
  if (counts.thisWeek >= limits.weekly) return { details: { rule: 'gift.weekly', limit: limits.weekly }, message: `You can send at most ${limits.weekly} gifts a week.` };
  if (counts.thisMonth >= limits.monthly) return { details: { rule: 'gift.monthly', limit: limits.monthly }, message: `You can send at most ${limits.monthly} gifts a month.` };
  return null;
}
