import type { INestApplication, LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { SERVICE_VERSION } from './common/package-version.js';
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

function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Host connections')
      .setVersion(SERVICE_VERSION)
      .setDescription(
        [
          'A guest organization lists the host organizations it is connected to.',
          '',
          'Every request carries a bearer token and two organization headers:',
          "- **Self**: `Target-Organization-ID` equals `Requester-Organization-ID` (the token's `org_id`): the organization lists its own hosts.",
          "- **Host**: the requester is a host of the target with a `connected` connection: it sees only its own row in the target's list.",
          '- **Guest**: the requester is a guest of the target with a `connected` connection: it sees only rows in which it is the host (usually none).',
          'Any other combination is refused with 403.',
        ].join('\n'),
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
