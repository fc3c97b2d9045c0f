import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../config/app-config.js';
import { securityHeaders } from '../security/security.setup.js';
import { applyHttpServerLimits } from './http-server-limits.js';
import { InFlightRequests } from './in-flight-requests.js';
import { inFlightLimit } from './in-flight.middleware.js';
import { requestTargetLimits } from './request-target.middleware.js';

/** The per-pod limits that apply before routing; the rate limit is RateLimitGuard's. */
export function applyRequestLimits(app: NestExpressApplication, config: AppConfig): void {
  applyHttpServerLimits(app.getHttpServer(), {
    maxHeaderBytes: config.MAX_HEADER_BYTES,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    securityHeaders: securityHeaders(),
  });
  app.use(
    requestTargetLimits(config.MAX_URL_LENGTH),
    inFlightLimit(app.get(InFlightRequests), config.MAX_IN_FLIGHT_REQUESTS),
  );
}
