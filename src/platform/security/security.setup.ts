import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUESTER_HEADER, TARGET_HEADER } from '../../auth/access-rule.js';

function securityHeadersMiddleware() {
  return helmet({
    // TLS ends at the ingress, so /docs is often reached over plain http inside the
    // cluster; upgrade-insecure-requests would make the browser fetch Swagger UI's
    // scripts over https there and render a blank page.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
}

/**
 * The headers the middleware above sets, for the answers Node writes before Express runs
 * (parser errors, timeouts, refused framing): read from helmet itself, so both stay equal.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => (headers[name] = String(value)),
    removeHeader: () => undefined,
  };
  securityHeadersMiddleware()(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    () => undefined,
  );
  return headers;
}

/**
 * Security headers on every response, and CORS for the configured browser origins only
 * (none by default: then no response carries Access-Control-Allow-Origin).
 */
export function applySecurity(app: NestExpressApplication, corsOrigins: readonly string[]): void {
  app.use(securityHeadersMiddleware());
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: [...corsOrigins],
      methods: ['GET', 'HEAD', 'PATCH'],
      // Content-Type and If-Match for PATCH; ETag so a browser client can send it back.
      allowedHeaders: [
        'Authorization',
        REQUESTER_HEADER,
        TARGET_HEADER,
        'X-Request-Id',
        'Content-Type',
        'If-Match',
      ],
      exposedHeaders: ['X-Request-Id', 'WWW-Authenticate', 'Retry-After', 'ETag'],
      maxAge: 600,
    });
  }
}
