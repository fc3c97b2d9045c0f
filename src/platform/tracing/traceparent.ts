export const TRACEPARENT_HEADER = 'traceparent';

/** The parts of a W3C Trace Context `traceparent` header the service uses. */
export interface TraceParent {
  traceId: string;
  parentSpanId: string;
  sampled: boolean;
}

// version-traceid-parentid-flags, lower-case hex only (W3C Trace Context level 1, §3.2).
// A later version may append fields after another dash; version 00 may not.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^]*)?$/;
const ALL_ZEROS = /^0+$/;
// Far above any real header; bounds the work a hostile one can cause.
const MAX_LENGTH = 512;
const SAMPLED_FLAG = 0x01;

/**
 * The trace context of a valid `traceparent` header, else undefined: an invalid one (or
 * several, which Node joins with commas) is ignored, as the W3C recommendation says.
 */
export function parseTraceparent(header: string | string[] | undefined): TraceParent | undefined {
  if (typeof header !== 'string' || header.length > MAX_LENGTH) return undefined;
  const match = TRACEPARENT.exec(header);
  if (match === null) return undefined;
  const [, version, traceId, parentSpanId, flags, extension] = match;
  if (version === 'ff' || (version === '00' && extension !== undefined)) return undefined;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(parentSpanId)) return undefined;
  return { traceId, parentSpanId, sampled: (parseInt(flags, 16) & SAMPLED_FLAG) !== 0 };
}
