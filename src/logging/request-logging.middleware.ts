import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { REQUESTER_HEADER, TARGET_HEADER } from '../auth/access-rule.js';
import { routeOf } from '../common/http/request-route.js';
import { normalizeUuid } from '../common/validation/uuid.js';
import { requestContext } from './request-context.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

// Probes and scrapes arrive every few seconds from every pod: only worth a debug line.
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
const MAX_LOGGED_PATH_LENGTH = 200;

/**
 * One log line per request (method, route, status, duration, request id and the two
 * organization ids), and the request id echoed in X-Request-Id. The line is built from an
 * explicit list of fields: headers, the query string and bodies are never logged, so
 * neither is a token.
 */
export function requestLogging(logger: Logger): RequestHandler {
  const logRequest = pinoHttp<Request, Response>({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId: (request, response) => {
      const id = requestIdFor(request.headers[REQUEST_ID_HEADER]);
      response.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: levelFor,
    customSuccessMessage: (_request, response) =>
      response.writableEnded ? 'request completed' : 'request aborted',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (request, response, result: { durationMs: number }) =>
      summary(request, response, result.durationMs),
    customErrorObject: (request, response, _error, result: { durationMs: number }) =>
      summary(request, response, result.durationMs),
  });
  return (request: Request, response: Response, next: NextFunction) => {
    // genReqId above always gives a string; pino-http types the id more loosely.
    logRequest(request, response, () =>
      requestContext.run({ requestId: request.id as string }, next),
    );
  };
}

function levelFor(request: IncomingMessage, response: ServerResponse, error?: Error): Level {
  if (QUIET_PATHS.has((request as Request).path)) return 'debug';
  return error !== undefined || response.statusCode >= 500 ? 'error' : 'info';
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
