import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeFile } from 'node:fs/promises';
import { AppModule } from '../../app.module.js';
import { validateEnvironment } from '../../config/env.schema.js';
import {
  buildOpenApiDocument,
  serializeOpenApiDocument,
} from '../../platform/openapi/openapi-document.js';
import { runCli, runCommand, UsageError } from '../run-cli.js';

const USAGE = 'Usage: npm run openapi [-- <file>]   (default: openapi.json)';

const HELP = `${USAGE}

Writes the OpenAPI document the service serves at /docs-json, generated from the code, to
<file>. Commit openapi.json after any change of the API: a test fails while it differs.
Environment: none (no database is needed).`;

// Preview mode builds the routes and their decorators without instantiating a provider,
// so neither a database nor a key source is contacted; these values only pass validation.
const PREVIEW_ENV = {
  DATABASE_URL: 'postgres://preview@127.0.0.1:1/unused',
  JWT_SECRET: 'preview-only-secret-never-used-to-sign-anything',
};

runCli(HELP, (args, _env, output) =>
  runCommand('OpenAPI', output, async () => {
    if (args.length > 1 || args[0]?.startsWith('-')) throw new UsageError(USAGE);
    const file = args[0] ?? 'openapi.json';
    const app = await NestFactory.create(AppModule.forRoot(validateEnvironment(PREVIEW_ENV)), {
      preview: true,
      logger: false,
      abortOnError: false,
    });
    try {
      await writeFile(file, serializeOpenApiDocument(buildOpenApiDocument(app)));
    } finally {
      await app.close();
    }
    output.out(`Wrote ${file}`);
    return 0;
  }),
);
