import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { applyRequestLimits } from './common/limits/request-limits.js';
import { setupSwagger } from './common/openapi/swagger.setup.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import type { LogLevel } from './config/env.schema.js';

const NEST_LOG_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
  fatal: ['fatal'],
  silent: [],
};

export interface CreateAppOptions {
  logger?: LoggerService | false;
}

export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    abortOnError: false,
    // The API takes no request bodies: nothing parses them, so nothing can fail parsing one.
    bodyParser: false,
    logger: options.logger ?? NEST_LOG_LEVELS[config.LOG_LEVEL],
  });
  configureApp(app);
  return app;
}

/** Everything main.ts and the end-to-end tests must share. */
export function configureApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  // Responses are never cached (Cache-Control: no-store), so an ETag is wasted hashing.
  app.set('etag', false);
  applyRequestLimits(app, app.get<AppConfig>(APP_CONFIG));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupSwagger(app);
}
