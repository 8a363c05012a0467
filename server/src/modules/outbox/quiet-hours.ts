import { shanghaiTime } from '@liuliang/shared';

/** Quiet hours as whole Asia/Shanghai hours: from `startHour` (22) until `endHour` (8) the next morning. */
export interface QuietHours {
  startHour: number;
  endHour: number;
}

const HOUR_MS = 3_600_000;

/**
 * When an activity message due at `at` may be sent: `at` itself outside quiet hours, else the
 * end of the quiet hours it falls in (SPEC §3.9: held, then sent from 08:00). Hours that do not
 * wrap midnight (1 → 5) work too; equal hours mean no quiet hours.
 */
export function releaseAfterQuietHours(at: Date, quiet: QuietHours): Date {
  const { startHour, endHour } = quiet;
  if (startHour === endHour) return at;
  const { hours, minutes, seconds } = shanghaiTime(at);
  const inQuiet = startHour > endHour ? hours >= startHour || hours < endHour : hours >= startHour && hours < endHour;
  if (!inQuiet) return at;
  const sinceHourMs = (minutes * 60 + seconds) * 1000 + at.getUTCMilliseconds();
  const hoursUntilEnd = (endHour - hours + 24) % 24;
  return new Date(at.getTime() - sinceHourMs + hoursUntilEnd * HOUR_MS);
}
