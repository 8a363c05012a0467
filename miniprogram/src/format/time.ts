import { shanghaiTime } from '@liuliang/shared';

function shanghaiParts(iso: string): { month: string; day: string; year: number; hours: string; minutes: string; seconds: string } | null {
  const epochMs = Date.parse(iso);
  if (Number.isNaN(epochMs)) return null;
  // The shared Shanghai calendar, not Intl: the weapp engine's time-zone support varies by phone.
  const time = shanghaiTime(new Date(epochMs));
  const two = (value: number) => String(value).padStart(2, '0');
  return { year: time.year, month: two(time.month), day: two(time.day), hours: two(time.hours), minutes: two(time.minutes), seconds: two(time.seconds) };
}

/** "11-26 14:05" in Shanghai time. */
export function formatShortTime(iso: string): string {
  const parts = shanghaiParts(iso);
  return parts ? `${parts.month}-${parts.day} ${parts.hours}:${parts.minutes}` : '';
}

/** "14:05:09" in Shanghai time, for grabs that happen seconds apart. */
export function formatClockTime(iso: string): string {
  const parts = shanghaiParts(iso);
  return parts ? `${parts.hours}:${parts.minutes}:${parts.seconds}` : '';
}

/** "2026-02-28" in Shanghai time. */
export function formatDate(iso: string): string {
  const parts = shanghaiParts(iso);
  return parts ? `${parts.year}-${parts.month}-${parts.day}` : '';
}
