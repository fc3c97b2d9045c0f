import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type Express } from 'express';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { JsonExpressAdapter } from './platform/http/json-express-adapter.js';
import { parseBoundedQuery } from './platform/limits/bounded-query-parser.js';
import { applyRequestLimits } from './platform/limits/request-limits.js';
import { setupSwagger } from './platform/openapi/swagger.setup.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { PinoLoggerService } from './platform/logging/pino-logger.service.js';
import { requestLogging } from './platform/logging/request-logging.middleware.js';
import { createRootLogger } from './platform/logging/root-logger.js';
import { HttpMetrics } from './platform/metrics/http-metrics.js';
import { recordHttpMetrics } from './platform/metrics/http-metrics.middleware.js';
import { applySecurity } from './platform/security/security.setup.js';

export interface CreateAppOptions {
  /** Where log lines go instead of stdout (tests read them back). */
  logDestination?: DestinationStream;
}

export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  const logger = await createRootLogger(config, options.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new JsonExpressAdapter(exactRoutingExpress()),
    {
      abortOnError: false,
      // The API takes no request bodies: nothing parses them, so nothing can fail parsing one.
      bodyParser: false,
      logger: new PinoLoggerService(logger),
    },
  );
  // First, so every later middleware, guard and log line already has the request id.
  app.use(requestLogging(logger));
  configureApp(app, config);
  return app;
}

// /HOST-CONNECTIONS and /host-connections/ are not the API, so a gateway rule on the exact
// path cannot be walked around. Set before the adapter exists: Express creates its router
// on the first use(), with the settings of that moment, and the adapter's constructor
// makes that first call.
function exactRoutingExpress(): Express {
  const instance = express();
  instance.set('case sensitive routing', true);
  instance.set('strict routing', true);
  return instance;
}

/** Everything main.ts and the end-to-end tests must share. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.disable('x-powered-by');
  // Responses are never cached (Cache-Control: no-store), so an ETag is wasted hashing.
  app.set('etag', false);
  app.set('query parser', parseBoundedQuery);
  app.use(recordHttpMetrics(app.get(HttpMetrics)));
  applySecurity(app, config.CORS_ORIGINS);
  applyRequestLimits(app, config);
  app.useGlobalPipes(createValidationPipe());
  if (config.SWAGGER_ENABLED) setupSwagger(app);
}
