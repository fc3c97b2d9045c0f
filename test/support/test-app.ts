import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp, type CreateAppOptions } from '../../src/app.setup.js';
import { MetricsServer } from '../../src/platform/metrics/metrics.server.js';
import { type EnvironmentVariables, validateEnvironment } from '../../src/config/env.schema.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { TEST_JWT_SECRET } from './tokens.js';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  /** The metrics port's server (GET /metrics), which the API port does not serve. */
  metrics: ReturnType<typeof request>;
  db: DataSource;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The real application, configured by the same createApp() as main.ts, on a database of
 * this test file's own. `env` replaces configuration variables (JWT key source, ...);
 * logs are silent unless `env` sets LOG_LEVEL (then `options.logDestination` collects them).
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  options: CreateAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: EnvironmentVariables = validateEnvironment({
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    // Many applications run at once in the tests: each scrape port is a free one.
    METRICS_PORT: '0',
    ...env,
  });
  const app = await createApp(config, options);
  await app.init();
  const db = app.get(DataSource);
  return {
    app,
    http: request(app.getHttpServer()),
    metrics: request(`http://127.0.0.1:${app.get(MetricsServer).port}`),
    db,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
