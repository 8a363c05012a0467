/** China has kept UTC+8 without daylight saving since 1991, so Shanghai time is a fixed offset. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function shanghaiParts(iso: string): { month: string; day: string; year: number; hours: string; minutes: string; seconds: string } | null {
  const epochMs = Date.parse(iso);
  if (Number.isNaN(epochMs)) return null;
  // Not Intl: the weapp engine's time-zone support varies by phone.
  const shifted = new Date(epochMs + SHANGHAI_OFFSET_MS);
  const two = (value: number) => String(value).padStart(2, '0');
  return {
    year: shifted.getUTCFullYear(),
    month: two(shifted.getUTCMonth() + 1),
    day: two(shifted.getUTCDate()),
    hours: two(shifted.getUTCHours()),
    minutes: two(shifted.getUTCMinutes()),
    seconds: two(shifted.getUTCSeconds()),
  };
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
