import { Controller, Get, Header, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { HealthCheckFailureFilter } from './health-check-failure.filter.js';
import { ReadinessIndicators } from './readiness.indicators.js';

// Probes for the kubelet, not part of the API contract: kept out of the OpenAPI document
// and outside the bearer-token guards.
@ApiExcludeController()
@Controller('health')
@UseFilters(HealthCheckFailureFilter)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  // The process answers: nothing else. A database outage must not restart every pod.
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.readiness.acceptingTraffic(),
      () => this.readiness.requestsProgressing(),
      () => this.readiness.database(),
      () => this.readiness.migrations(),
    ]);
  }
}
