const MAX_FRACTION_DIGITS = 6;
const SHAPE_REASON = 'must be an RFC 3339 timestamp such as 2025-12-12T12:00:00.123456Z';
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export type TimestampCheck = { ok: true; value: string } | { ok: false; reason: string };

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month];
}

/** The number written by `count` ASCII digits at `start`, or -1. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const code = text.charCodeAt(i) - 48;
    if (!(code >= 0 && code <= 9)) return -1;
    value = value * 10 + code;
  }
  return value;
}

function isAt(text: string, index: number, ...characters: string[]): boolean {
  return characters.includes(text.charAt(index));
}

/** Where the fractional digits after index 19 end. */
function fractionEnd(text: string): number {
  if (text.charAt(19) !== '.') return 19;
  let end = 20;
  while (digits(text, end, 1) >= 0) end += 1;
  return end;
}

/**
 * Checks an RFC 3339 (§5.6) date-time and returns it in the form handed to PostgreSQL
 * (upper-case `T`/`Z`). More than six fractional digits are refused rather than rounded
 * away by PostgreSQL; so are leap seconds (`:60`), which PostgreSQL would store as the
 * next minute: either way what comes back would differ from what was imported. Written
 * without a regular expression: a large import checks millions of timestamps.
 */
export function checkTimestamp(text: string): TimestampCheck {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const end = fractionEnd(text);
  const zulu = end === text.length - 1 && isAt(text, end, 'Z', 'z');
  const offset = end === text.length - 6 && isAt(text, end, '+', '-') && isAt(text, end + 3, ':');
  const offsetHour = offset ? digits(text, end + 1, 2) : 0;
  const offsetMinute = offset ? digits(text, end + 4, 2) : 0;
  const shaped =
    isAt(text, 4, '-') &&
    isAt(text, 7, '-') &&
    isAt(text, 10, 'T', 't') &&
    isAt(text, 13, ':') &&
    isAt(text, 16, ':') &&
    Math.min(year, month, day, hour, minute, second, offsetHour, offsetMinute) >= 0 &&
    end !== 20 &&
    (zulu || offset);
  if (!shaped) return { ok: false, reason: SHAPE_REASON };
  if (end - 20 > MAX_FRACTION_DIGITS) {
    return {
      ok: false,
      reason: `must have at most ${MAX_FRACTION_DIGITS} fractional digits (microseconds)`,
    };
  }
  const valid =
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59;
  if (!valid) return { ok: false, reason: 'must be a real date and time of day' };
  return { ok: true, value: text.toUpperCase() };
}
