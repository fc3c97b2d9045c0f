import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { LimitsModule } from '../limits/limits.module.js';
import { HealthController } from './health.controller.js';
import { ReadinessIndicators } from './readiness.indicators.js';

@Module({
  // Terminus logs failed checks at error level; the request line (debug) is enough.
  imports: [TerminusModule.forRoot({ logger: false }), LifecycleModule, LimitsModule],
  controllers: [HealthController],
  providers: [ReadinessIndicators],
})
export class HealthModule {}
