import type { Request } from 'express';

/**
 * The route pattern a request matched (`/host-connections`), never the raw URL, so log
 * fields and metric labels stay bounded whatever paths clients send.
 */
export function routeOf(request: Request): string {
  const route: unknown = request.route;
  if (typeof route === 'object' && route !== null && 'path' in route) {
    const { path } = route;
    if (typeof path === 'string') return path;
  }
  return 'unmatched';
}
