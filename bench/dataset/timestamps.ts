const MICROS_PER_MILLI = 1000;

/** RFC 3339 UTC with microseconds, the precision the contract stores and returns. */
export function formatMicros(epochMicros: number): string {
  const millis = Math.floor(epochMicros / MICROS_PER_MILLI);
  const micros = epochMicros - millis * MICROS_PER_MILLI;
  return `${new Date(millis).toISOString().slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

export function microsOf(isoDate: string): number {
  return Date.parse(isoDate) * MICROS_PER_MILLI;
}

export const MICROS_PER_DAY = 86_400_000_000;
