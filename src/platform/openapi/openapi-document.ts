import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  getSchemaPath,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { REQUESTER_HEADER, TARGET_HEADER } from '../../auth/access-rule.js';
import { ErrorEnvelopeDto } from '../../common/errors/api-error-responses.decorator.js';
import { SERVICE_VERSION } from '../package-version.js';

export interface OpenApiDocumentOptions {
  /**
   * The example of both organization headers (demo mode: the demo guest, so Swagger UI's
   * first Try it out with the printed token is a Self request that answers 200).
   */
  organizationExample?: string;
}

const BEARER_SCHEME = 'bearer';

const DESCRIPTION = `
A guest organization lists the host organizations it is connected to, reads one of those
connections, and archives or disconnects it.

**Trying it out.** \`npm start\` prints demo tokens and organization IDs; \`npm run token -- --org <uuid> --scope "read write"\`
signs a token for \`JWT_SECRET\`. Click **Authorize**, paste the token (without \`Bearer\`),
then use **Try it out** on an operation below. The token is remembered across reloads.

**Authentication.** Every request carries \`Authorization: Bearer <JWT>\` (RFC 9068 access token)
with an \`org_id\` claim naming the caller's organization and the scope the operation names:
\`host_connections:read\` to list or read, \`host_connections:write\` to change a connection.

**Organization headers.** \`Requester-Organization-ID\` must equal the token's \`org_id\`;
\`Target-Organization-ID\` names the guest organization whose connections are read. Three scenarios:
- **Self**: target equals requester. The organization sees all its own hosts, and only it may
  change its connections (PATCH is Self only).
- **Host**: the requester is a host of the target, with a \`connected\` connection. It sees only
  its own row in the target's list, never the target's other hosts; reading any other host's
  connection answers 404, as for one that does not exist.
- **Guest**: the requester is a guest of the target, with a \`connected\` connection. It sees
  only rows in which it is itself the host (none unless the target is also its guest).

Any other combination is refused with 403. Every row returned belongs to the target organization.

**Errors** share one body: \`{"detail": [{"loc", "msg", "type", "code"}]}\`, one entry per invalid input.

**Request ids.** Every response carries \`X-Request-Id\`: the caller's own \`X-Request-Id\` when it
is plain text of at most 128 characters, else the trace id of a valid W3C \`traceparent\`, else
a fresh UUID. The service's log lines about the request carry the same id.
`.trim();

const REQUEST_ID_RESPONSE_HEADER = {
  required: true,
  description:
    'The request id (the caller X-Request-Id, else the traceparent trace id, else a UUID); the log lines about the request carry it.',
  schema: { type: 'string', example: '4bf92f3577b34da6a3ce929d0e0e4736' },
};

const INTERNAL_ERROR_RESPONSE: ResponseObject = {
  description:
    'Anything unexpected. The body says nothing more; the log line with the X-Request-Id has the details.',
  content: {
    'application/json': {
      schema: { $ref: getSchemaPath(ErrorEnvelopeDto) },
      example: {
        detail: [
          { loc: [], msg: 'Internal server error', type: 'internal_error', code: 'internal_error' },
        ],
      },
    },
  },
};

// Node's HTTP parser answers 431 itself, before any middleware can add a request id.
const WITHOUT_REQUEST_ID = new Set(['431']);
const ORGANIZATION_HEADERS = new Set([REQUESTER_HEADER, TARGET_HEADER]);

/** The OpenAPI document, generated from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(
  app: INestApplication,
  options: OpenApiDocumentOptions = {},
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Host connections')
    .setVersion(SERVICE_VERSION)
    .setDescription(DESCRIPTION)
    // Relative first: Swagger UI then calls the origin it was loaded from, on any port.
    .addServer('/', 'The service serving this document')
    .addServer('http://localhost:3000', 'npm start (demo mode) on this machine')
    .addTag('host-connections', 'Which host organizations a guest organization is connected to.')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'Bearer authentication header of the form `Bearer <token>`, where `<token>` is an access token with the scope `host_connections:read`.',
      },
      BEARER_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const operation of operationsOf(document)) {
    documentEveryResponse(operation);
    if (options.organizationExample !== undefined)
      setOrganizationExample(operation, options.organizationExample);
  }
  return document;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item) =>
    METHODS.flatMap((method) => item[method] ?? []),
  );
}

// What every route can answer, whatever its decorators say: a 500, and the request id.
function documentEveryResponse(operation: OperationObject): void {
  operation.responses['500'] ??= INTERNAL_ERROR_RESPONSE;
  for (const [status, response] of Object.entries(operation.responses)) {
    if (response === undefined || WITHOUT_REQUEST_ID.has(status) || '$ref' in response) continue;
    response.headers = { ...response.headers, 'X-Request-Id': REQUEST_ID_RESPONSE_HEADER };
  }
}

function setOrganizationExample(operation: OperationObject, organizationId: string): void {
  for (const parameter of operation.parameters ?? []) {
    if ('$ref' in parameter) continue;
    const header: ParameterObject = parameter;
    if (header.in !== 'header' || !ORGANIZATION_HEADERS.has(header.name.toLowerCase())) continue;
    // The decorators put the example in the schema, where Swagger UI reads it too.
    if (header.schema !== undefined && !('$ref' in header.schema))
      header.schema.example = organizationId;
    else header.example = organizationId;
  }
}

/** The committed openapi.json: the document as `npm run openapi` writes it. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
