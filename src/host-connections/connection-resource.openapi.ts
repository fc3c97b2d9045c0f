import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiParam } from '@nestjs/swagger';
import { HOST_ORG_ID } from './connection-request.decorators.js';
import { HostConnectionDto } from './dto/host-connection.response.dto.js';
import { UpdateHostConnectionBodyDto } from './dto/update-host-connection.body.dto.js';
import { MAX_BODY_BYTES } from './json-body.interceptor.js';

// The OpenAPI description of the single-connection routes, kept next to the code whose
// behaviour it describes.

export function ApiConnectionPath(): MethodDecorator {
  return ApiParam({
    name: HOST_ORG_ID,
    required: true,
    schema: { type: 'string', format: 'uuid' },
    example: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    description: "The host organization's id, in any case.",
  });
}

export function ApiConnectionResponse(): MethodDecorator {
  return ApiOkResponse({
    type: HostConnectionDto,
    description: 'The connection, as an item of the list.',
    headers: {
      'Cache-Control': { required: true, schema: { type: 'string', enum: ['no-store'] } },
      ETag: {
        required: true,
        description:
          'A strong validator of this representation; it changes whenever any field changes. Send it in If-Match to update only this version.',
        schema: { type: 'string', example: '"q1b6m0nK1QWm9oX2ZQyT3n0c8rV4pLs"' },
      },
    },
  });
}

export function ApiConnectionUpdateBody(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      schema: { type: 'string' },
      description:
        'The `ETag` of the version to change, or `*` for any existing version; when it does not match, nothing changes and the answer is 412.',
    }),
    ApiBody({
      type: UpdateHostConnectionBodyDto,
      required: true,
      description: `A JSON object (application/json, at most ${MAX_BODY_BYTES} bytes) with at least one field.`,
      examples: {
        archive: { summary: 'Archive the host', value: { archived: true } },
        unarchive: { summary: 'Unarchive the host', value: { archived: false } },
        disconnect: { summary: 'Disconnect', value: { status: 'disconnected' } },
        reconnect: {
          summary: 'Reconnect and unarchive',
          value: { status: 'connected', archived: false },
        },
      },
    }),
  );
}
