import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { DatabasePoolMetrics } from './database-pool-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { createMetricsRegistry } from './metrics.registry.js';
import { MetricsServer } from './metrics.server.js';
import { LimitsModule } from '../limits/limits.module.js';

@Module({
  imports: [LimitsModule],
  providers: [
    { provide: Registry, useFactory: createMetricsRegistry },
    HttpMetrics,
    DatabasePoolMetrics,
    MetricsServer,
  ],
  exports: [HttpMetrics, MetricsServer],
})
export class MetricsModule {}
