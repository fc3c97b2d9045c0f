import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseTraceparent, TRACEPARENT_HEADER } from '../tracing/traceparent.js';

export const REQUEST_ID_HEADER = 'x-request-id';

// Long enough for a UUID, a W3C trace id or a load balancer's id; short and plain enough
// that a client cannot inject log structure or bloat every log line with it.
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else the trace id, else a fresh UUID. */
export function requestIdFor(header: string | string[] | undefined, traceId?: string): string {
  if (typeof header === 'string' && ACCEPTED_REQUEST_ID.test(header)) return header;
  return traceId ?? randomUUID();
}

/** The fields that tie every log line of one request together. */
export interface RequestLogContext {
  requestId: string;
  /** The W3C trace id: the caller's (traceparent), or the one tracing started. */
  trace_id?: string;
}

// Keyed by the request object, so nothing outlives the request; cheaper than an
// AsyncLocalStorage, which every promise of the request would pay for.
const CONTEXTS = new WeakMap<IncomingMessage, RequestLogContext>();

/** Called once per request, first: its id and trace id, from its headers. */
export function startRequestLogContext(request: IncomingMessage): RequestLogContext {
  const trace = parseTraceparent(request.headers[TRACEPARENT_HEADER]);
  const requestId = requestIdFor(request.headers[REQUEST_ID_HEADER], trace?.traceId);
  const context: RequestLogContext =
    trace === undefined ? { requestId } : { requestId, trace_id: trace.traceId };
  CONTEXTS.set(request, context);
  return context;
}

/** What a log line about this request adds to its own fields. */
export function requestLogContext(request: IncomingMessage): RequestLogContext | undefined {
  return CONTEXTS.get(request);
}
