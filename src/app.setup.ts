import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { setupSwagger } from './common/openapi/swagger.setup.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
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
    // No route takes a body: the JSON and form parsers cost ~20 µs on every request.
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
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupSwagger(app);
}
