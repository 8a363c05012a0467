/**
 * Calendar arithmetic in Asia/Shanghai (SPEC §1), the one copy the service, the bot, the carrier
 * simulator and the mini-program use. China has kept UTC+8 without daylight saving since 1991,
 * so the zone is a fixed offset; computing with it directly avoids a time-zone library and Intl,
 * whose time-zone support varies between weapp engines and Node builds.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  /** 0 = Sunday */
  weekday: number;
}

interface WallClockTime extends CalendarDate {
  hours: number;
  minutes: number;
  seconds: number;
}

export function shanghaiDate(at: Date): CalendarDate {
  const { year, month, day, weekday } = shanghaiTime(at);
  return { year, month, day, weekday };
}

/** The date and the time of day a clock in Shanghai shows at `at`. */
export function shanghaiTime(at: Date): WallClockTime {
  const shifted = new Date(at.getTime() + OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
    hours: shifted.getUTCHours(),
    minutes: shifted.getUTCMinutes(),
    seconds: shifted.getUTCSeconds(),
  };
}

/** The instant a Shanghai calendar day starts. month is 1-based and may overflow (13 → next January). */
function shanghaiMidnight(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - OFFSET_MS);
}

/** `YYYY-MM` of the Shanghai month containing `at`. */
export function shanghaiMonthKey(at: Date): string {
  const { year, month } = shanghaiDate(at);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of the Shanghai day containing `at`: the key of daily caps and of reconciliation. */
export function shanghaiDayKey(at: Date): string {
  const { year, month, day } = shanghaiDate(at);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function startOfShanghaiDay(at: Date): Date {
  const { year, month, day } = shanghaiDate(at);
  return shanghaiMidnight(year, month, day);
}

/** Weeks start on Monday, as calendars in China do. */
export function startOfShanghaiWeek(at: Date): Date {
  const { weekday } = shanghaiDate(at);
  const daysSinceMonday = (weekday + 6) % 7;
  return new Date(startOfShanghaiDay(at).getTime() - daysSinceMonday * DAY_MS);
}

export function startOfShanghaiMonth(at: Date): Date {
  const { year, month } = shanghaiDate(at);
  return shanghaiMidnight(year, month, 1);
}

/**
 * The last millisecond of the Shanghai month `monthsAhead` months after the one containing
 * `at`: 0 → end of this month, 3 → end of the third month after it (SPEC §3.1 banking expiry).
 */
export function endOfShanghaiMonth(at: Date, monthsAhead: number): Date {
  const { year, month } = shanghaiDate(at);
  return new Date(shanghaiMidnight(year, month + monthsAhead + 1, 1).getTime() - 1);
}
