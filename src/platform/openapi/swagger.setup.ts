import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument, type OpenApiDocumentOptions } from './openapi-document.js';

const DOCS_PATH = 'docs';
const DOCUMENT_PATH = 'docs-json';

/** Serves Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication, options?: OpenApiDocumentOptions): void {
  SwaggerModule.setup(DOCS_PATH, app, buildOpenApiDocument(app, options), {
    jsonDocumentUrl: DOCUMENT_PATH,
    customSiteTitle: 'Host connections API',
    swaggerOptions: {
      // Keeps the pasted token in localStorage, so a reload does not ask for it again.
      persistAuthorization: true,
      displayRequestDuration: true,
      displayOperationId: true,
    },
  });
}
