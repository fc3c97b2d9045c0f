import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
  type HeaderObject,
} from '@nestjs/swagger';

@ApiSchema({
  name: 'ErrorDetail',
  description: 'One invalid input, or the one reason of a refusal.',
})
export class ErrorDetailDto {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['query', 'limit'],
    description:
      'Where the error is: ["query", name], ["header", name], or [] when no single input is at fault.',
  })
  loc: Array<string | number>;

  @ApiProperty({ example: 'Input should be less than or equal to 100' })
  msg: string;

  @ApiProperty({ example: 'less_than_equal' })
  type: string;

  @ApiProperty({ example: 'out_of_range' })
  code: string;
}

@ApiSchema({ name: 'ErrorEnvelope', description: 'The body of every error response.' })
export class ErrorEnvelopeDto {
  @ApiProperty({ type: [ErrorDetailDto] })
  detail: ErrorDetailDto[];
}

const WWW_AUTHENTICATE = 'WWW-Authenticate';
const RETRY_AFTER = 'Retry-After';

const retryAfter = (required: boolean, description: string): HeaderObject => ({
  required,
  description,
  schema: { type: 'integer', minimum: 1, example: 1 },
});

interface ErrorResponseDoc {
  description: string;
  detail: ErrorDetailDto;
  headers?: Record<string, HeaderObject>;
}

const ERROR_RESPONSES = {
  401: {
    description: 'Missing, malformed, expired or badly signed token; wrong issuer or audience.',
    detail: {
      loc: ['header', 'authorization'],
      msg: 'The token has expired',
      type: 'invalid_token',
      code: 'token_expired',
    },
    headers: {
      [WWW_AUTHENTICATE]: {
        required: true,
        description: 'RFC 6750 challenge.',
        schema: { type: 'string', example: 'Bearer error="invalid_token"' },
      },
    },
  },
  403: {
    description:
      'Missing scope (host_connections:read; host_connections:write to update), token org_id differs from Requester-Organization-ID, no connected connection with the target organization, or an update in a cross-organization request.',
    detail: {
      loc: ['header', 'target-organization-id'],
      msg: 'The requester has no connected connection with the target organization',
      type: 'permission_denied',
      code: 'no_connection',
    },
    headers: {
      [WWW_AUTHENTICATE]: {
        required: false,
        description: 'RFC 6750 challenge, sent when the token lacks the scope.',
        schema: {
          type: 'string',
          example: 'Bearer error="insufficient_scope", scope="host_connections:read"',
        },
      },
    },
  },
  404: {
    description:
      'The target organization has no connection with this host (or, in a cross-organization request, it is not the requester).',
    detail: {
      loc: ['path', 'host_org_id'],
      msg: 'The target organization has no connection with this host',
      type: 'not_found',
      code: 'not_found',
    },
  },
  412: {
    description: 'If-Match does not match the current ETag of the connection; nothing changed.',
    detail: {
      loc: ['header', 'if-match'],
      msg: 'The connection has changed since the ETag in If-Match was read',
      type: 'precondition_failed',
      code: 'precondition_failed',
    },
  },
  413: {
    description: 'The request body is larger than 16384 bytes.',
    detail: {
      loc: ['body'],
      msg: 'The request body must be at most 16384 bytes',
      type: 'payload_too_large',
      code: 'payload_too_large',
    },
  },
  414: {
    description: 'The URL is longer than the configured MAX_URL_LENGTH.',
    detail: {
      loc: [],
      msg: 'The URL must be at most 8192 characters long',
      type: 'uri_too_long',
      code: 'uri_too_long',
    },
  },
  415: {
    description: 'The request body is not application/json, or it is compressed.',
    detail: {
      loc: ['header', 'content-type'],
      msg: 'The request body must be application/json',
      type: 'unsupported_media_type',
      code: 'unsupported_media_type',
    },
  },
  422: {
    description:
      'Invalid organization header, path, query parameter or body; every invalid input is listed.',
    detail: {
      loc: ['query', 'limit'],
      msg: 'Input should be less than or equal to 100',
      type: 'less_than_equal',
      code: 'out_of_range',
    },
  },
  429: {
    description:
      'The requester organization used its quota (only when RATE_LIMIT_REQUESTS is set).',
    detail: {
      loc: [],
      msg: 'Too many requests for this organization, retry in 12 s',
      type: 'rate_limited',
      code: 'rate_limited',
    },
    headers: { [RETRY_AFTER]: retryAfter(true, 'Seconds until the quota allows a request.') },
  },
  431: {
    description: 'The request line and headers are larger than the configured MAX_HEADER_BYTES.',
    detail: {
      loc: [],
      msg: 'The request line and headers are too large',
      type: 'request_header_fields_too_large',
      code: 'headers_too_large',
    },
  },
  503: {
    description:
      'The database is unavailable or the query timed out (code service_unavailable), or the pod is at its MAX_IN_FLIGHT_REQUESTS cap (code overloaded, with Retry-After).',
    detail: {
      loc: [],
      msg: 'The service is temporarily unavailable, please retry',
      type: 'service_unavailable',
      code: 'service_unavailable',
    },
    headers: { [RETRY_AFTER]: retryAfter(false, 'Sent with code overloaded: seconds to wait.') },
  },
} satisfies Record<number, ErrorResponseDoc>;

type DocumentedErrorStatus = keyof typeof ERROR_RESPONSES;

/** Documents the error envelope once for each status a route can answer with. */
export function ApiErrorResponses(...statuses: DocumentedErrorStatus[]): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeDto),
    ...statuses.map((status) => {
      const doc: ErrorResponseDoc = ERROR_RESPONSES[status];
      return ApiResponse({
        status,
        description: doc.description,
        headers: doc.headers,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorEnvelopeDto) },
            example: { detail: [doc.detail] },
          },
        },
      });
    }),
  );
}
