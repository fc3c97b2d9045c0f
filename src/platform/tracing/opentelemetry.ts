import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { routeOf } from '../http/request-route.js';
import { requestLogContext } from '../logging/request-id.js';
import { SERVICE_VERSION } from '../package-version.js';
import { parseTraceparent, TRACEPARENT_HEADER } from './traceparent.js';
import type { Tracing } from './tracing.js';

const SERVICE_NAME = 'host-connections';
// Probes arrive every few seconds from every pod; a trace of each would bury the real ones.
const UNTRACED_PATH_PREFIXES = ['/health/', '/metrics'];
const MAX_PATH_LENGTH = 200;
const OPERATION_NAME = /^\s*([A-Za-z]{1,20})\b/;
// The last spans are worth a short wait at shutdown, not the pod's whole grace period: a
// collector that does not answer must not hold the process after its requests are done.
export const SHUTDOWN_EXPORT_TIMEOUT_MS = 2000;

/** Spans exported over OTLP/HTTP (JSON) to `endpoint`, as the OTEL_EXPORTER_OTLP_ENDPOINT spec says. */
export function startOpenTelemetry(endpoint: string): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: SERVICE_NAME,
      [ATTR_SERVICE_VERSION]: SERVICE_VERSION,
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(endpoint) }))],
  });
  const tracer = provider.getTracer(SERVICE_NAME, SERVICE_VERSION);
  // The request span the code running now belongs to. Only tracing pays for this store:
  // without it the service keeps no per-request async context at all.
  const currentRequest = new AsyncLocalStorage<Span>();
  return {
    middleware: requestSpans(tracer, currentRequest),
    databaseClient: tracedClient(tracer, currentRequest),
    shutdown: () =>
      Promise.race([
        provider.shutdown(),
        sleep(SHUTDOWN_EXPORT_TIMEOUT_MS, undefined, { ref: false }),
      ]),
  };
}

// The endpoint is the collector's base URL; each signal has its own path below it.
function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

function requestSpans(tracer: Tracer, currentRequest: AsyncLocalStorage<Span>): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (UNTRACED_PATH_PREFIXES.some((prefix) => request.path.startsWith(prefix))) return next();
    const span = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: request.path.slice(0, MAX_PATH_LENGTH),
        },
      },
      incomingContext(request),
    );
    // A request without a traceparent gets its trace id here; its log lines carry it too.
    const logContext = requestLogContext(request);
    if (logContext !== undefined) logContext.trace_id ??= span.spanContext().traceId;
    response.once('close', () => {
      const route = routeOf(request);
      span.updateName(`${request.method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
      if (!response.writableFinished) {
        span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
        span.setStatus({ code: SpanStatusCode.ERROR });
      } else if (response.statusCode >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(response.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    currentRequest.run(span, next);
  };
}

// The caller's trace context when it sent a valid traceparent: the request span joins it.
function incomingContext(request: Request) {
  const parent = parseTraceparent(request.headers[TRACEPARENT_HEADER]);
  if (parent === undefined) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.parentSpanId,
    traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

type QueryMethod = (this: pg.Client, ...args: unknown[]) => unknown;
type QueryCallback = (error: unknown, result: unknown) => void;

/**
 * A subclass, handed to pg.Pool as its `Client`: TypeORM and the service's own statements
 * run on its pools, so every statement is seen, with no global patching of the pg module.
 * Statements outside a request (start-up, shutdown) are not traced.
 */
function tracedClient(tracer: Tracer, currentRequest: AsyncLocalStorage<Span>): typeof pg.Client {
  const query = pg.Client.prototype.query as QueryMethod;
  class TracedClient extends pg.Client {}
  const tracedQuery: QueryMethod = function (this: pg.Client, ...args: unknown[]) {
    const parent = currentRequest.getStore();
    const text = statementText(args[0]);
    if (parent === undefined || text === undefined) return query.apply(this, args);
    const span = tracer.startSpan(
      operationName(text),
      { kind: SpanKind.CLIENT, attributes: statementAttributes(this, text) },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      const done = callback as QueryCallback;
      const traced: QueryCallback = (error, result) => {
        endStatementSpan(span, error);
        done(error, result);
      };
      return query.apply(this, [...args.slice(0, -1), traced]);
    }
    return (query.apply(this, args) as Promise<unknown>).then(
      (result) => {
        endStatementSpan(span, undefined);
        return result;
      },
      (error: unknown) => {
        endStatementSpan(span, error);
        throw error;
      },
    );
  };
  Object.defineProperty(TracedClient.prototype, 'query', { value: tracedQuery, writable: true });
  return TracedClient;
}

// The SQL text only: parameter values are never recorded (a search text is the client's data).
function statementText(config: unknown): string | undefined {
  if (typeof config === 'string') return config;
  if (typeof config !== 'object' || config === null) return undefined;
  // A Submittable (cursor, stream) runs on its own schedule: not traced.
  if ('submit' in config) return undefined;
  return 'text' in config && typeof config.text === 'string' ? config.text : undefined;
}

function operationName(text: string): string {
  return OPERATION_NAME.exec(text)?.[1].toUpperCase() ?? 'postgresql';
}

function statementAttributes(client: pg.Client, text: string): Attributes {
  return {
    [ATTR_DB_SYSTEM_NAME]: 'postgresql',
    [ATTR_DB_OPERATION_NAME]: operationName(text),
    [ATTR_DB_QUERY_TEXT]: text,
    ...(client.database !== undefined && { [ATTR_DB_NAMESPACE]: client.database }),
    [ATTR_SERVER_ADDRESS]: client.host,
    [ATTR_SERVER_PORT]: client.port,
  };
}

function endStatementSpan(span: Span, error: unknown): void {
  if (error !== undefined && error !== null) {
    // The error's class only: a PostgreSQL message may quote the statement's values.
    span.setAttribute(
      ATTR_ERROR_TYPE,
      error instanceof Error ? (errorCode(error) ?? error.name) : 'error',
    );
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function errorCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
