import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup.js';
import { type EnvironmentVariables, validateEnvironment } from '../../src/config/env.schema.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { TEST_JWT_SECRET } from './tokens.js';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  db: DataSource;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Receives everything the application logs (by default it logs nothing). */
  logger?: LoggerService;
}

/**
 * The real application, configured by the same createApp() as main.ts, on a database of
 * this test file's own. `env` replaces configuration variables (JWT key source, ...).
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: EnvironmentVariables = validateEnvironment({
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createApp(config, { logger: options.logger ?? false });
  await app.init();
  const db = app.get(DataSource);
  return {
    app,
    http: request(app.getHttpServer()),
    db,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
