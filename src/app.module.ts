import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module.js';
import { ApiExceptionFilter } from './common/errors/api-exception.filter.js';
import type { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/config.module.js';
import { buildDataSourceOptions } from './database/database.options.js';
import { HealthModule } from './platform/health/health.module.js';
import { HostConnectionsModule } from './host-connections/host-connections.module.js';
import { LifecycleModule } from './platform/lifecycle/lifecycle.module.js';
import { MetricsModule } from './platform/metrics/metrics.module.js';
import type { Tracing } from './platform/tracing/tracing.js';
import { TracingModule } from './platform/tracing/tracing.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, tracing?: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions(config, tracing?.databaseClient),
          // Start-up fails fast on a missing database; the orchestrator restarts the pod.
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        AuthModule,
        HostConnectionsModule,
        HealthModule,
        LifecycleModule,
        MetricsModule,
        ...(tracing === undefined ? [] : [TracingModule.forRoot(tracing)]),
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
