// Validates the OpenAPI document read from stdin with @apidevtools/swagger-parser and
// prints the validator's message on failure. It runs in a plain Node process because
// swagger-parser require()s an ESM-only dependency, which Jest's module loader cannot
// do on Node 20 (Node itself can, since 20.19).
import SwaggerParser from '@apidevtools/swagger-parser';
import process from 'node:process';
import { text } from 'node:stream/consumers';

try {
  await SwaggerParser.validate(JSON.parse(await text(process.stdin)));
  process.stdout.write('valid\n');
} catch (error) {
  process.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
