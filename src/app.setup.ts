import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { JsonExpressAdapter } from './platform/http/json-express-adapter.js';
import { applyRequestLimits } from './platform/limits/request-limits.js';
import type { OpenApiDocumentOptions } from './platform/openapi/openapi-document.js';
import { setupSwagger } from './platform/openapi/swagger.setup.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { PinoLoggerService } from './platform/logging/pino-logger.service.js';
import { requestLogging } from './platform/logging/request-logging.middleware.js';
import { createRootLogger } from './platform/logging/root-logger.js';
import { HttpMetrics } from './platform/metrics/http-metrics.js';
import { recordHttpMetrics } from './platform/metrics/http-metrics.middleware.js';
import { applySecurity } from './platform/security/security.setup.js';
import { loadTracing } from './platform/tracing/tracing.js';

export interface CreateAppOptions {
  /** Where log lines go instead of stdout (tests read them back). */
  logDestination?: DestinationStream;
  /** What the served OpenAPI document adapts to (the demo's organization ids). */
  openApi?: OpenApiDocumentOptions;
}

export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  const logger = await createRootLogger(config, options.logDestination);
  const tracing = await loadTracing(config);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, tracing),
    new JsonExpressAdapter(),
    {
      abortOnError: false,
      // The API takes no request bodies: nothing parses them, so nothing can fail parsing one.
      bodyParser: false,
      logger: new PinoLoggerService(logger),
    },
  );
  // First, so every later middleware, guard and log line already has the request id.
  app.use(requestLogging(logger));
  // Next, so the request span covers all the rest and its trace id reaches the log lines.
  if (tracing !== undefined) app.use(tracing.middleware);
  configureApp(app, config, options.openApi);
  return app;
}

/** Everything main.ts and the end-to-end tests must share. */
export function configureApp(
  app: NestExpressApplication,
  config: AppConfig,
  openApi?: OpenApiDocumentOptions,
): void {
  app.disable('x-powered-by');
  // Responses are never cached (Cache-Control: no-store), so an ETag is wasted hashing.
  app.set('etag', false);
  app.use(recordHttpMetrics(app.get(HttpMetrics)));
  applySecurity(app, config.CORS_ORIGINS);
  applyRequestLimits(app, config);
  app.useGlobalPipes(createValidationPipe());
  if (config.SWAGGER_ENABLED) setupSwagger(app, openApi);
}
