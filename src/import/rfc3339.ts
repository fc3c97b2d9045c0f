// date-time from RFC 3339 §5.6; the fraction is checked separately so that more than six
// digits gets its own reason instead of being rounded away by PostgreSQL.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

const MAX_FRACTION_DIGITS = 6;

export type TimestampCheck = { ok: true; value: string } | { ok: false; reason: string };

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month];
}

/**
 * Checks an RFC 3339 timestamp and returns it in the form handed to PostgreSQL (upper-case
 * `T`/`Z`). Leap seconds (`:60`) are refused: PostgreSQL would store the next minute, so
 * what comes back would differ from what was imported.
 */
export function checkTimestamp(text: string): TimestampCheck {
  const match = DATE_TIME.exec(text);
  if (match === null) {
    return {
      ok: false,
      reason: 'must be an RFC 3339 timestamp such as 2025-12-12T12:00:00.123456Z',
    };
  }
  // Called for millions of values: plain indexing, no intermediate arrays.
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const fraction = match[7];
  const offsetHour = match[8] === undefined ? 0 : Number(match[8]);
  const offsetMinute = match[9] === undefined ? 0 : Number(match[9]);
  if (fraction !== undefined && fraction.length > MAX_FRACTION_DIGITS) {
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
    Number(match[4]) <= 23 &&
    Number(match[5]) <= 59 &&
    Number(match[6]) <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59;
  if (!valid) return { ok: false, reason: 'must be a real date and time of day' };
  return { ok: true, value: text.toUpperCase() };
}
