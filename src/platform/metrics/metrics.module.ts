import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { DatabasePoolMetrics } from './database-pool-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { createMetricsRegistry } from './metrics.registry.js';

@Module({
  controllers: [MetricsController],
  providers: [
    { provide: Registry, useFactory: createMetricsRegistry },
    HttpMetrics,
    DatabasePoolMetrics,
  ],
  exports: [HttpMetrics],
})
export class MetricsModule {}
