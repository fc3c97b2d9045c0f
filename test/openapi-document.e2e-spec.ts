import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEnvironment } from '../src/config/env.schema.js';
import { serializeOpenApiDocument } from '../src/platform/openapi/openapi-document.js';
import { builtFile, ensureBuilt, PROJECT_ROOT } from './support/build.js';
import { runNode } from './support/processes.js';
import { compileOpenApiSchema, openApiDocument } from './support/openapi.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TEST_JWT_SECRET } from './support/tokens.js';

// The contract (shared/spec/host-connections.md and the reference page), written out here
// on purpose: the document is compared with it, never with the code that generates it.
const ARRAY = { style: 'form', explode: true };
const QUERY_PARAMETERS: Record<string, { required: boolean; schema: object; style?: string }> = {
  statuses: {
    required: true,
    ...ARRAY,
    schema: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', enum: ['connected', 'disconnected'] },
    },
  },
  search_field: {
    required: false,
    schema: {
      type: 'string',
      enum: ['host_name', 'host_email', 'owner_email'],
      default: 'host_name',
    },
  },
  search_text: {
    required: false,
    schema: { type: 'string', nullable: true, minLength: 1, maxLength: 255 },
  },
  order_by: {
    required: false,
    schema: {
      type: 'string',
      enum: [
        'host_name',
        'host_email',
        'owner_email',
        'created_at',
        'updated_at',
        'archived_at',
        'active_action_updated_at',
      ],
      default: 'host_name',
    },
  },
  order_dir: {
    required: false,
    schema: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
  },
  archived: { required: false, schema: { type: 'boolean', nullable: true } },
  active_action_types: {
    required: false,
    ...ARRAY,
    schema: {
      type: 'array',
      nullable: true,
      minItems: 1,
      items: { type: 'string', enum: ['documents_update_request', 'analytics_request'] },
    },
  },
  limit: { required: true, schema: { type: 'integer', minimum: 0, maximum: 100 } },
  offset: {
    required: true,
    schema: { type: 'integer', minimum: 0, maximum: 2 ** 53 - 1 },
  },
};

const HEADER_DESCRIPTIONS: Record<string, string> = {
  'Requester-Organization-ID':
    'The unique identifier of the organization making the request. This ID is used to authorize the requester within the system.',
  'Target-Organization-ID':
    'The unique identifier of the organization that is the target of the request. The Target-Organization-ID may match the Requester-Organization-ID if the requester accesses their own resources.',
};

const TIMESTAMP = { type: 'string', format: 'date-time' };
const HOST_CONNECTION_FIELDS: Array<[string, object]> = [
  ['host_organization_id', { type: 'string', format: 'uuid' }],
  ['guest_organization_id', { type: 'string', format: 'uuid' }],
  ['host_name', { type: 'string' }],
  ['host_email', { type: 'string', format: 'email' }],
  ['owner_email', { type: 'string', format: 'email' }],
  ['status', { type: 'string', enum: ['connected', 'disconnected'] }],
  ['archived', { type: 'boolean' }],
  ['created_at', TIMESTAMP],
  ['updated_at', TIMESTAMP],
  ['archived_at', { ...TIMESTAMP, nullable: true }],
  [
    'active_action_type',
    {
      type: 'string',
      nullable: true,
      enum: ['documents_update_request', 'analytics_request', null],
    },
  ],
  ['active_action_updated_at', { ...TIMESTAMP, nullable: true }],
];

// The contract's errors, and the limits (issue 7) every request can run into.
const ERROR_STATUSES = ['401', '403', '414', '422', '429', '431', '500', '503'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A schema without its prose (`description`, `example`), for comparing shapes. */
function shape(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(shape);
  if (typeof schema !== 'object' || schema === null) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'example') continue;
    result[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as object).map(([n, s]) => [n, shape(s)]))
        : key === 'enum' || key === 'default' || key === 'required'
          ? value
          : shape(value);
  }
  return result;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenAPIObject;
  let operation: OperationObject;
  let parameters: ParameterObject[];

  const component = (name: string) => doc.components?.schemas?.[name] as SchemaObject;
  const response = (status: string) => operation.responses[status] as ResponseObject;

  beforeAll(async () => {
    t = await startTestApp();
    const served = await t.http.get('/docs-json');
    expect(served.status).toBe(200);
    doc = served.body as OpenAPIObject;
    operation = doc.paths['/host-connections'].get as OperationObject;
    parameters = operation.parameters as ParameterObject[];
  });

  afterAll(async () => {
    await t.close();
  });

  it('should be valid OpenAPI 3 with zero validator errors', () => {
    const validator = spawnSync(
      process.execPath,
      [new URL('./support/validate-openapi.js', import.meta.url).pathname],
      { input: JSON.stringify(doc), encoding: 'utf8' },
    );

    expect({ status: validator.status, output: validator.stdout.trim() }).toEqual({
      status: 0,
      output: 'valid',
    });
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('should be the document the test helpers validate responses against', async () => {
    expect(doc).toEqual(await openApiDocument());
  });

  it('should carry the title, the package version and the Self / Host / Guest scenarios', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };

    expect(doc.info.title).toBe('Host connections');
    expect(doc.info.version).toBe(pkg.version);
    for (const scenario of ['**Self**', '**Host**', '**Guest**'])
      expect(doc.info.description).toContain(scenario);
  });

  it('should name, summarise, describe and tag the operation', () => {
    expect(operation).toMatchObject({
      operationId: 'listHostConnections',
      summary: 'List host connections',
      tags: ['host-connections'],
    });
    expect(operation.description).toContain('pagination');
  });

  it('should apply the bearer JWT scheme to the operation', () => {
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it.each(Object.keys(HEADER_DESCRIPTIONS))(
    'should require the %s header as a described UUID with an example',
    (name) => {
      const header = parameters.find((p) => p.in === 'header' && p.name === name);
      const schema = header?.schema as SchemaObject;

      expect(header?.required).toBe(true);
      expect(shape(schema)).toEqual({ type: 'string', format: 'uuid' });
      expect(header?.description).toContain(HEADER_DESCRIPTIONS[name]);
      expect(header?.example ?? schema.example).toMatch(UUID);
    },
  );

  it('should list exactly the contract query parameters', () => {
    expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      Object.keys(QUERY_PARAMETERS),
    );
  });

  it.each(Object.entries(QUERY_PARAMETERS))(
    'should describe the %s query parameter with its type, enum, default and bounds',
    (name, expected) => {
      const parameter = parameters.find((p) => p.in === 'query' && p.name === name);

      expect(parameter?.required).toBe(expected.required);
      expect(shape(parameter?.schema)).toEqual(expected.schema);
      expect(parameter?.style).toBe(expected.style);
      expect(parameter?.explode).toBe('style' in expected ? true : undefined);
      expect(parameter?.description).toEqual(expect.any(String));
    },
  );

  it('should answer 200 with a HostConnectionList of HostConnection', () => {
    const ok = response('200');

    expect(ok.content?.['application/json'].schema).toEqual({
      $ref: '#/components/schemas/HostConnectionList',
    });
    expect(shape(component('HostConnectionList'))).toEqual({
      type: 'object',
      required: ['items', 'total_items'],
      properties: {
        items: { type: 'array', items: { $ref: '#/components/schemas/HostConnection' } },
        total_items: { type: 'integer', minimum: 0 },
      },
    });
    expect(ok.headers?.['Cache-Control']).toMatchObject({ required: true });
  });

  it('should give HostConnection every contract field, in order, each required', () => {
    const schema = shape(component('HostConnection')) as SchemaObject;

    expect(Object.entries(schema.properties ?? {})).toEqual(HOST_CONNECTION_FIELDS);
    expect(schema.required).toEqual(HOST_CONNECTION_FIELDS.map(([name]) => name));
  });

  it('should define the error envelope', () => {
    expect(shape(component('ErrorEnvelope'))).toEqual({
      type: 'object',
      required: ['detail'],
      properties: {
        detail: { type: 'array', items: { $ref: '#/components/schemas/ErrorDetail' } },
      },
    });
    expect(shape(component('ErrorDetail'))).toEqual({
      type: 'object',
      required: ['loc', 'msg', 'type', 'code'],
      properties: {
        loc: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
        msg: { type: 'string' },
        type: { type: 'string' },
        code: { type: 'string' },
      },
    });
  });

  it.each(ERROR_STATUSES)(
    'should document %s with the error envelope and an example that fits it',
    async (status) => {
      const media = response(status).content?.['application/json'];
      const validate = await compileOpenApiSchema(media?.schema);

      expect(response(status).description).toEqual(expect.any(String));
      expect(media?.schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });
      expect(validate(media?.example)).toBe(true);
    },
  );

  it('should document the WWW-Authenticate challenge of a 401', () => {
    expect(response('401').headers?.['WWW-Authenticate']).toMatchObject({ required: true });
  });

  it('should document Retry-After on a 429 (always) and a 503 (when overloaded)', () => {
    expect(response('429').headers?.['Retry-After']).toMatchObject({ required: true });
    expect(response('503').headers?.['Retry-After']).toMatchObject({ required: false });
  });

  it('should document no status beyond 200 and the contract errors', () => {
    expect(Object.keys(operation.responses).sort()).toEqual(['200', ...ERROR_STATUSES]);
  });

  it('should document the X-Request-Id header on every response but the parser own 431', () => {
    for (const [status, documented] of Object.entries(operation.responses)) {
      const header = (documented as ResponseObject).headers?.['X-Request-Id'];
      if (status === '431') expect(header).toBeUndefined();
      else expect({ status, header }).toMatchObject({ status, header: { required: true } });
    }
    expect(doc.info.description).toContain('X-Request-Id');
  });

  it('should document a 500 that says nothing of the failure', () => {
    expect(response('500').content?.['application/json'].example).toEqual({
      detail: [
        { loc: [], msg: 'Internal server error', type: 'internal_error', code: 'internal_error' },
      ],
    });
  });

  // Relative first, so Swagger UI and generated clients call the origin that served it.
  it('should name its servers', () => {
    expect(doc.servers?.map((server) => server.url)).toEqual(['/', 'http://localhost:3000']);
    for (const server of doc.servers ?? []) expect(server.description).toEqual(expect.any(String));
  });

  it('should be committed as openapi.json, exactly as npm run openapi writes it', async () => {
    const committed = await readFile(join(PROJECT_ROOT, 'openapi.json'), 'utf8');

    expect(JSON.parse(committed)).toEqual(doc);
    // Byte for byte, so that regenerating it leaves git with nothing to commit.
    expect(committed).toBe(serializeOpenApiDocument(doc));
  });

  it('should be regenerated by the openapi tool with no database', async () => {
    await ensureBuilt();
    const file = join(tmpdir(), `openapi-${process.pid}.json`);
    try {
      const tool = runNode([builtFile('src/tools/openapi/openapi.cli.ts'), file], {
        PATH: process.env.PATH,
      });

      expect(await tool.exited).toEqual({ code: 0, signal: null });
      expect(await readFile(file, 'utf8')).toBe(
        await readFile(join(PROJECT_ROOT, 'openapi.json'), 'utf8'),
      );
    } finally {
      await rm(file, { force: true });
    }
  }, 120_000);

  it('should serve Swagger UI at /docs', async () => {
    const page = await t.http.get('/docs');

    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('swagger-ui');
  });
});

describe('SWAGGER_ENABLED', () => {
  it.each([
    [undefined, true],
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['0', false],
  ])('should read %p as %p', (value, enabled) => {
    const config = validateEnvironment({ JWT_SECRET: TEST_JWT_SECRET, SWAGGER_ENABLED: value });

    expect(config.SWAGGER_ENABLED).toBe(enabled);
  });

  it.each(['', 'yes', 'off'])('should refuse to start with %p', (value) => {
    expect(() =>
      validateEnvironment({ JWT_SECRET: TEST_JWT_SECRET, SWAGGER_ENABLED: value }),
    ).toThrow('SWAGGER_ENABLED must be true or false');
  });

  it('should serve neither /docs nor /docs-json when false', async () => {
    const t = await startTestApp({ SWAGGER_ENABLED: 'false' });
    try {
      const ui = await t.http.get('/docs');
      const json = await t.http.get('/docs-json');

      expect([ui.status, json.status]).toEqual([404, 404]);
      expect(json.body).toEqual({ detail: [expect.objectContaining({ code: 'not_found' })] });
    } finally {
      await t.close();
    }
  });
});
