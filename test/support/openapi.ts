import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
} from '@nestjs/swagger';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { AppModule } from '../../src/app.module.js';
import { buildOpenApiDocument } from '../../src/platform/openapi/openapi-document.js';
import { validateEnvironment } from '../../src/config/env.schema.js';
import { toJsonSchema } from './openapi-json-schema.js';
import { TEST_JWT_SECRET } from './tokens.js';

/** What a check needs of a response; a supertest response has all of it. */
export interface ObservedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  type: string;
  request: { method: string; url: string };
}

const COMPONENTS_ID = 'openapi-components';
type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

// ajv-formats is CommonJS; under Node's ESM loader its default export is module.exports.
const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv;

let document: Promise<OpenAPIObject> | undefined;
let ajv: Promise<Ajv> | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * The document the service serves, built by the same function from the same decorators.
 * Nest's preview mode instantiates no provider, so no database is needed.
 */
export function openApiDocument(): Promise<OpenAPIObject> {
  document ??= (async () => {
    const config = validateEnvironment({
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: 'postgres://preview@127.0.0.1:1/unused',
    });
    const app = await NestFactory.create(AppModule.forRoot(config), {
      preview: true,
      logger: false,
      abortOnError: false,
    });
    try {
      return buildOpenApiDocument(app);
    } finally {
      await app.close();
    }
  })();
  return document;
}

async function schemaValidator(): Promise<Ajv> {
  ajv ??= openApiDocument().then((doc) => {
    const instance = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(instance);
    const schemas = Object.entries(doc.components?.schemas ?? {});
    instance.addSchema({
      $id: COMPONENTS_ID,
      $defs: Object.fromEntries(
        schemas.map(([name, schema]) => [name, toJsonSchema(schema, COMPONENTS_ID)]),
      ),
    });
    return instance;
  });
  return ajv;
}

/** Compiles an OpenAPI schema of the document (e.g. `{ $ref: '#/components/schemas/X' }`). */
export async function compileOpenApiSchema(schema: unknown): Promise<ValidateFunction> {
  const key = JSON.stringify(schema);
  const cached = validators.get(key);
  if (cached) return cached;
  const validate = (await schemaValidator()).compile(toJsonSchema(schema, COMPONENTS_ID) as object);
  validators.set(key, validate);
  return validate;
}

function describeErrors(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map(
    (error) =>
      `${where}${error.instancePath || ''} ${error.message ?? 'is invalid'}${
        error.keyword === 'additionalProperties' || error.keyword === 'enum'
          ? ` (${JSON.stringify(error.params)})`
          : ''
      }`,
  );
}

function findOperation(
  doc: OpenAPIObject,
  method: string,
  pathname: string,
): OperationObject | undefined {
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
    );
    if (pattern.test(pathname)) return item[method.toLowerCase() as HttpMethod];
  }
  return undefined;
}

function isReference(value: unknown): value is ReferenceObject {
  return typeof value === 'object' && value !== null && '$ref' in value;
}

async function checkHeaders(
  documented: Record<string, HeaderObject | ReferenceObject>,
  actual: ObservedResponse['headers'],
): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, header] of Object.entries(documented)) {
    if (isReference(header)) throw new Error(`header ${name}: $ref headers are not supported`);
    const value = actual[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`header ${name} is documented as required but missing`);
      continue;
    }
    if (header.schema === undefined) continue;
    const validate = await compileOpenApiSchema(header.schema);
    if (!validate(value)) problems.push(...describeErrors(validate.errors, `header ${name}`));
  }
  return problems;
}

/** Every way the response departs from the document; empty when it matches. */
export async function openApiMismatches(response: ObservedResponse): Promise<string[]> {
  const doc = await openApiDocument();
  const { pathname } = new URL(response.request.url, 'http://service.invalid');
  const operation = findOperation(doc, response.request.method, pathname);
  if (!operation) return [`the document has no operation ${response.request.method} ${pathname}`];
  const documented = operation.responses[String(response.status)] ?? operation.responses.default;
  if (documented === undefined) return [`status ${response.status} is not documented`];
  if (isReference(documented)) throw new Error('$ref responses are not supported');
  const { headers = {}, content } = documented;

  const problems = await checkHeaders(headers, response.headers);
  const media = content?.[response.type];
  if (content === undefined) {
    if (response.body !== undefined && response.body !== '' && !isEmptyObject(response.body))
      problems.push('a body was sent where the document declares none');
  } else if (media?.schema === undefined) {
    problems.push(
      `content type "${response.type}" is not documented (${Object.keys(content).join(', ')})`,
    );
  } else {
    const validate = await compileOpenApiSchema(media.schema);
    if (!validate(response.body)) problems.push(...describeErrors(validate.errors, 'body'));
  }
  return problems;
}

// supertest reports an empty or non-JSON body as {}.
function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/**
 * Fails unless the response (status, documented headers, content type and body) is one
 * the OpenAPI document describes for its operation. Call it on any supertest response:
 * `await expectMatchesOpenApi(await t.http.get(...))`.
 */
export async function expectMatchesOpenApi(response: ObservedResponse): Promise<void> {
  const problems = await openApiMismatches(response);
  if (problems.length > 0) {
    throw new Error(
      [
        `${response.request.method} ${response.request.url} → ${response.status} does not match the OpenAPI document:`,
        ...problems.map((problem) => `  - ${problem}`),
        `  body: ${JSON.stringify(response.body)}`,
      ].join('\n'),
    );
  }
}
