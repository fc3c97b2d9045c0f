import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { InFlightRequests } from './in-flight-requests.js';
import { OverloadedError } from './limit-errors.js';

// Probes and scrapes must still answer while the pod sheds load: an overloaded pod is not
// a dead one.
const UNLIMITED_PATHS = /^\/health(\/|$)/;

/**
 * Caps the requests this process works on at once; the excess gets a quick 503 with
 * Retry-After instead of queueing behind the database pool. 0 disables the cap, not the
 * count (the in-flight gauge and the readiness check read it).
 */
export function inFlightLimit(inFlight: InFlightRequests, maxInFlight: number): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (UNLIMITED_PATHS.test(request.path)) return next();
    if (maxInFlight !== 0 && inFlight.count >= maxInFlight) return next(new OverloadedError());
    inFlight.enter(request, response);
    next();
  };
}
