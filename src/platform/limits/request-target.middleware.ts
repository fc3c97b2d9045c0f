import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { InvalidHostError, MissingHostError, UriTooLongError } from './limit-errors.js';

// RFC 9112 §3.2 / RFC 3986 §3.2.2: an IP literal, or a name of unreserved, percent-encoded
// and sub-delimiter characters, then an optional port. Empty is allowed (no authority).
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]*)(:\d{0,5})?$/;

/**
 * The target URI is bounded and unambiguous before any routing: a URL longer than
 * `maxUrlLength` gets 414; an HTTP/1.1 request without Host, with more than one, or with
 * one that is not a host[:port] gets 400 (RFC 9112 §3.2), so the service never reads a
 * different authority than a proxy in front of it did. Node counts the URL within its
 * header limit too, so a URL beyond that limit gets 431.
 */
export function requestTargetLimits(maxUrlLength: number): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (request.originalUrl.length > maxUrlLength) return next(new UriTooLongError(maxUrlLength));
    const hosts = request.headersDistinct.host;
    if (hosts === undefined) {
      return next(request.httpVersion === '1.1' ? new MissingHostError() : undefined);
    }
    if (hosts.length > 1) return next(new InvalidHostError('Only one Host header is allowed'));
    if (!HOST.test(hosts[0]))
      return next(new InvalidHostError('The Host header is not a host[:port]'));
    next();
  };
}
