import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';
import { REQUESTER_HEADER, TARGET_HEADER } from '../../auth/access-rule.js';
import { onRequestEnd } from '../http/request-end.js';
import { routeOf } from '../http/request-route.js';
import { normalizeUuid } from '../../common/validation/uuid.js';
import { startRequestLogContext } from './request-id.js';

// Probes arrive every few seconds from every pod: only worth a debug line.
const QUIET_PATHS = new Set(['/health/live', '/health/ready']);
const MAX_LOGGED_PATH_LENGTH = 200;

/**
 * One log line per request (method, route, status, duration, request id, trace id and the
 * two organization ids), and the request id echoed in X-Request-Id; the error filter adds
 * the same ids to its own lines (requestLogContext). The line is built from an explicit list of fields:
 * headers, the query string and bodies are never logged, so neither is a token. Written by
 * hand rather than with pino-http, whose child logger per request cost about a tenth of
 * the service's CPU in the benchmark; and without an AsyncLocalStorage, whose promise hooks
 * cost another ~50 µs per request (docs/benchmarks.md).
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    const context = startRequestLogContext(request);
    response.setHeader('X-Request-Id', context.requestId);
    onRequestEnd(request, response, () => {
      const level = levelFor(request, response);
      if (!logger.isLevelEnabled(level)) return;
      const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
      logger[level](
        { ...context, ...summary(request, response, Math.round(durationMs)) },
        response.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}

function levelFor(request: Request, response: Response): Level {
  if (QUIET_PATHS.has(request.path)) return 'debug';
  return response.statusCode >= 500 ? 'error' : 'info';
}

function summary(request: Request, response: Response, durationMs: number): object {
  return {
    method: request.method,
    route: routeOf(request),
    path: request.path.slice(0, MAX_LOGGED_PATH_LENGTH),
    status: response.statusCode,
    durationMs,
    requesterOrganizationId: normalizeUuid(request.headers[REQUESTER_HEADER]) ?? null,
    targetOrganizationId: normalizeUuid(request.headers[TARGET_HEADER]) ?? null,
  };
}
