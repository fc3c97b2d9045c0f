import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../config/app-config.js';
import { applyHttpServerLimits } from './http-server-limits.js';
import { inFlightLimit } from './in-flight.middleware.js';
import { requestTargetLimits } from './request-target.middleware.js';

/** The per-pod limits that apply before routing; the rate limit is RateLimitGuard's. */
export function applyRequestLimits(app: NestExpressApplication, config: AppConfig): void {
  applyHttpServerLimits(app.getHttpServer(), { maxHeaderBytes: config.MAX_HEADER_BYTES });
  app.use(requestTargetLimits(config.MAX_URL_LENGTH), inFlightLimit(config.MAX_IN_FLIGHT_REQUESTS));
}
