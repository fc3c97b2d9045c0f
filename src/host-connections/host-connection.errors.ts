import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import { HOST_ORG_ID } from './connection-request.decorators.js';

/** The target guest has no connection with that host, or the requester may not see it. */
export class ConnectionNotFoundError extends ApiError {
  constructor() {
    super(HttpStatus.NOT_FOUND, [
      {
        loc: ['path', HOST_ORG_ID],
        msg: 'The target organization has no connection with this host',
        type: 'not_found',
        code: 'not_found',
      },
    ]);
  }
}

/** If-Match names no current representation of the connection: nothing was changed. */
export class PreconditionFailedError extends ApiError {
  constructor() {
    super(HttpStatus.PRECONDITION_FAILED, [
      {
        loc: ['header', 'if-match'],
        msg: 'The connection has changed since the ETag in If-Match was read',
        type: 'precondition_failed',
        code: 'precondition_failed',
      },
    ]);
  }
}
