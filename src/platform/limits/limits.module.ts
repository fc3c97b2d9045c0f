import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { InFlightRequests } from './in-flight-requests.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.js';

@Module({
  providers: [
    {
      provide: RateLimiter,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new RateLimiter({
          requests: config.RATE_LIMIT_REQUESTS,
          windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
        }),
    },
    RateLimitGuard,
    InFlightRequests,
  ],
  exports: [RateLimiter, RateLimitGuard, InFlightRequests],
})
export class LimitsModule {}
