import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { onRequestEnd } from '../http/request-end.js';
import { routeOf } from '../http/request-route.js';
import type { HttpMetrics } from './http-metrics.js';

/** Records every request once its exchange is over: answered, or the client went away. */
export function recordHttpMetrics(metrics: HttpMetrics): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    onRequestEnd(request, response, () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.record(
        {
          method: request.method,
          route: routeOf(request),
          status: response.writableFinished ? String(response.statusCode) : 'aborted',
        },
        seconds,
      );
    });
    next();
  };
}
