import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { type ErrorDetail, RequestValidationError } from '../common/errors/api-error.js';
import { normalizeUuid } from '../common/validation/uuid.js';
import { UpdateHostConnectionBodyDto } from './dto/update-host-connection.body.dto.js';
import type { ConnectionChanges } from './host-connection.queries.js';
import type { JsonBodyRequest } from './json-body.interceptor.js';

export const HOST_ORG_ID = 'host_org_id';

/** A validated PATCH: the host whose connection changes, and what changes. */
export interface ConnectionUpdate {
  hostId: string;
  changes: ConnectionChanges;
}

/**
 * The `{host_org_id}` of GET /host-connections/{host_org_id}, lower-cased, once the path and
 * the query are valid: the route takes no query parameter, and every invalid input of the
 * request is reported together (422).
 */
export const HostOrgIdParam = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const request = context.switchToHttp().getRequest<JsonBodyRequest>();
    const details: ErrorDetail[] = [];
    const hostId = readHostId(request, details);
    refuseQueryParameters(request, details);
    if (details.length > 0) throw new RequestValidationError(details);
    return hostId;
  },
);

/**
 * The validated path, query and body of PATCH /host-connections/{host_org_id}, all
 * reported together when invalid. Needs JsonBodyInterceptor on the route.
 */
export const ConnectionUpdateRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ConnectionUpdate => {
    const request = context.switchToHttp().getRequest<JsonBodyRequest>();
    const details: ErrorDetail[] = [];
    const hostId = readHostId(request, details);
    refuseQueryParameters(request, details);
    if (request.jsonBody === undefined) {
      throw new Error('@ConnectionUpdateRequest() used on a route without JsonBodyInterceptor');
    }
    const changes = readChanges(request.jsonBody, details);
    if (details.length > 0 || changes === undefined) throw new RequestValidationError(details);
    return { hostId, changes };
  },
);

// Neither route takes a query parameter: each one sent is refused, as for the list.
function refuseQueryParameters(request: JsonBodyRequest, details: ErrorDetail[]): void {
  for (const name of Object.keys(request.query)) {
    details.push({
      loc: ['query', name],
      msg: 'Unknown query parameter',
      type: 'extra_forbidden',
      code: 'unknown_parameter',
    });
  }
}

function readHostId(request: JsonBodyRequest, details: ErrorDetail[]): string {
  const hostId = normalizeUuid(request.params[HOST_ORG_ID]);
  if (hostId !== undefined) return hostId;
  details.push({
    loc: ['path', HOST_ORG_ID],
    msg: 'Input should be a valid UUID',
    type: 'uuid_parsing',
    code: 'invalid_uuid',
  });
  return '';
}

const BODY_FIELDS: ReadonlySet<string> = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(UpdateHostConnectionBodyDto, '', true, false)
    .map((validation) => validation.propertyName),
);

const BODY_ISSUES: Record<string, Pick<ErrorDetail, 'type' | 'code'>> = {
  archived: { type: 'bool_type', code: 'invalid_boolean' },
  status: { type: 'enum', code: 'invalid_enum_value' },
};

function readChanges(
  body: NonNullable<JsonBodyRequest['jsonBody']>,
  details: ErrorDetail[],
): ConnectionChanges | undefined {
  if (!body.parsed) {
    details.push({
      loc: ['body'],
      msg: 'The body is not valid JSON',
      type: 'json_invalid',
      code: 'invalid_json',
    });
    return undefined;
  }
  const { value } = body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    details.push({
      loc: ['body'],
      msg: 'Input should be a JSON object',
      type: 'model_attributes_type',
      code: 'not_an_object',
    });
    return undefined;
  }

  // Own keys as sent, `__proto__` and `constructor` included: JSON.parse keeps them as data.
  const fields = Object.keys(value);
  const sent = fields.filter((name) => BODY_FIELDS.has(name));
  for (const name of fields.filter((field) => !BODY_FIELDS.has(field))) {
    details.push({
      loc: ['body', name],
      msg: 'Unknown field',
      type: 'extra_forbidden',
      code: 'unknown_field',
    });
  }
  if (sent.length === 0) {
    details.push({
      loc: ['body'],
      msg: `At least one of ${[...BODY_FIELDS].map((name) => `'${name}'`).join(', ')} is required`,
      type: 'missing',
      code: 'no_field',
    });
    return undefined;
  }

  const known = Object.fromEntries(
    sent.map((name) => [name, (value as Record<string, unknown>)[name]]),
  );
  const dto = plainToInstance(UpdateHostConnectionBodyDto, known);
  for (const error of validateSync(dto, { forbidUnknownValues: false })) {
    const issue = BODY_ISSUES[error.property];
    details.push({
      loc: ['body', error.property],
      msg: Object.values(error.constraints ?? {})[0] ?? 'Invalid value',
      type: issue.type,
      code: issue.code,
    });
  }
  return { archived: dto.archived, status: dto.status };
}
