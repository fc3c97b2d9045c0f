import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { OverloadedError } from './limit-errors.js';

// Probes and scrapes must still answer while the pod sheds load: an overloaded pod is not
// a dead one, and its metrics are what shows the overload.
const UNLIMITED_PATHS = /^\/(health|metrics)(\/|$)/;

/**
 * Caps the requests this process works on at once; the excess gets a quick 503 with
 * Retry-After instead of queueing behind the database pool. 0 disables the cap.
 */
export function inFlightLimit(maxInFlight: number): RequestHandler {
  let inFlight = 0;
  return (request: Request, response: Response, next: NextFunction): void => {
    if (maxInFlight === 0 || UNLIMITED_PATHS.test(request.path)) return next();
    if (inFlight >= maxInFlight) return next(new OverloadedError());
    inFlight += 1;
    // 'close' fires once per response, whether it finished or the client went away.
    response.once('close', () => {
      inFlight -= 1;
    });
    next();
  };
}
