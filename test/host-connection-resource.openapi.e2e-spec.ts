import type {
  OperationObject,
  ParameterObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { openApiDocument } from './support/openapi.js';

// The contract's "rest of the resource", written out: compared with the served document,
// never with the code that generates it.
const PATH = '/host-connections/{host_org_id}';
const GET_STATUSES = ['200', '401', '403', '404', '414', '422', '429', '431', '500', '503'];
const PATCH_STATUSES = [
  '200',
  '401',
  '403',
  '404',
  '412',
  '413',
  '414',
  '415',
  '422',
  '429',
  '431',
  '500',
  '503',
];

describe('OpenAPI document: one connection', () => {
  let get: OperationObject;
  let patch: OperationObject;
  let schemas: Record<string, SchemaObject>;

  beforeAll(async () => {
    const document = await openApiDocument();
    const item = document.paths[PATH];
    get = item.get as OperationObject;
    patch = item.patch as OperationObject;
    schemas = document.components?.schemas as Record<string, SchemaObject>;
  });

  it('should document only GET and PATCH on the path, and nothing more on the list path', async () => {
    const document = await openApiDocument();

    expect(Object.keys(document.paths[PATH]).sort()).toEqual(['get', 'patch']);
    expect(Object.keys(document.paths['/host-connections'])).toEqual(['get']);
  });

  it.each([
    ['GET', () => get, GET_STATUSES],
    ['PATCH', () => patch, PATCH_STATUSES],
  ])(
    'should document the path parameter, both headers and every status of %s',
    (_name, operation, statuses) => {
      const { parameters = [], responses, security } = operation();
      const byName = new Map(
        (parameters as ParameterObject[]).map((p) => [`${p.in}:${p.name}`, p]),
      );

      expect(byName.get('path:host_org_id')).toMatchObject({
        required: true,
        schema: { type: 'string', format: 'uuid' },
      });
      expect(byName.get('header:Requester-Organization-ID')?.required).toBe(true);
      expect(byName.get('header:Target-Organization-ID')?.required).toBe(true);
      expect(Object.keys(responses).sort()).toEqual([...statuses].sort());
      expect(security).toEqual([{ bearer: [] }]);
      const ok = responses['200'] as ResponseObject;
      expect(ok.content?.['application/json'].schema).toEqual({
        $ref: '#/components/schemas/HostConnection',
      });
      expect(Object.keys(ok.headers ?? {}).sort()).toEqual([
        'Cache-Control',
        'ETag',
        'X-Request-Id',
      ]);
    },
  );

  it('should document the PATCH body with its two fields, examples and If-Match', () => {
    const body = patch.requestBody as RequestBodyObject;
    const media = body.content['application/json'];
    const ifMatch = (patch.parameters as ParameterObject[]).find((p) => p.name === 'If-Match');

    expect(body.required).toBe(true);
    expect(Object.keys(body.content)).toEqual(['application/json']);
    expect(media.schema).toEqual({ $ref: '#/components/schemas/HostConnectionUpdate' });
    expect(schemas.HostConnectionUpdate).toMatchObject({
      type: 'object',
      properties: {
        archived: { type: 'boolean' },
        status: { type: 'string', enum: ['connected', 'disconnected'] },
      },
    });
    expect(schemas.HostConnectionUpdate.required ?? []).toEqual([]);
    expect(
      Object.values(media.examples ?? {}).map((example) => (example as { value: unknown }).value),
    ).toEqual([
      { archived: true },
      { archived: false },
      { status: 'disconnected' },
      { status: 'connected', archived: false },
    ]);
    expect(ifMatch).toMatchObject({ in: 'header', required: false });
  });
});
