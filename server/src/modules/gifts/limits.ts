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

/** The first limit one more gift would break, in words for the sender, or null. */
export function brokenGiftLimit(counts: GiftCounts, limits: GiftLimits): string | null {
  if (counts.today >= limits.daily) return `You can send at most ${limits.daily} gifts a day.`;
  if (counts.thisWeek >= limits.weekly) return `You can send at most ${limits.weekly} gifts a week.`;
  if (counts.thisMonth >= limits.monthly) return `You can send at most ${limits.monthly} gifts a month.`;
  return null;
}
