import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MissingHostError, UriTooLongError } from './limit-errors.js';

/**
 * The target URI is bounded and complete before any routing: a URL longer than
 * `maxUrlLength` gets 414, an HTTP/1.1 request without Host gets 400 (RFC 9112 §3.2).
 * Node counts the URL within its header limit too, so a URL beyond that limit gets 431.
 */
export function requestTargetLimits(maxUrlLength: number): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (request.originalUrl.length > maxUrlLength) return next(new UriTooLongError(maxUrlLength));
    if (request.httpVersion === '1.1' && request.headers.host === undefined) {
      return next(new MissingHostError());
    }
    next();
  };
}
