import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';

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

export class ErrorEnvelopeDto {
  @ApiProperty({ type: [ErrorDetailDto] })
  detail: ErrorDetailDto[];
}

const EXAMPLES: Record<number, { description: string; detail: ErrorDetailDto }> = {
  401: {
    description: 'Missing, malformed, expired or badly signed token; wrong issuer or audience.',
    detail: {
      loc: ['header', 'authorization'],
      msg: 'The token has expired',
      type: 'invalid_token',
      code: 'token_expired',
    },
  },
  403: {
    description:
      'Missing scope host_connections:read, token org_id differs from Requester-Organization-ID, or no connected connection with the target organization.',
    detail: {
      loc: ['header', 'target-organization-id'],
      msg: 'The requester has no connected connection with the target organization',
      type: 'permission_denied',
      code: 'no_connection',
    },
  },
  422: {
    description: 'Invalid organization header or query parameter; every invalid input is listed.',
    detail: {
      loc: ['query', 'limit'],
      msg: 'Input should be less than or equal to 100',
      type: 'less_than_equal',
      code: 'out_of_range',
    },
  },
  503: {
    description: 'The database is unavailable or the query timed out.',
    detail: {
      loc: [],
      msg: 'The service is temporarily unavailable, please retry',
      type: 'service_unavailable',
      code: 'service_unavailable',
    },
  },
};

/** Documents the error envelope once for each status a route can answer with. */
export function ApiErrorResponses(...statuses: Array<keyof typeof EXAMPLES>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: EXAMPLES[status].description,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorEnvelopeDto) },
            example: { detail: [EXAMPLES[status].detail] },
          },
        },
      }),
    ),
  );
}
