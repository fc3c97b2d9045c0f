import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';

/** A method the path does not serve; `Allow` lists those it does (RFC 9110 §15.5.6). */
export class MethodNotAllowedError extends ApiError {
  constructor(allowed: readonly string[]) {
    super(
      HttpStatus.METHOD_NOT_ALLOWED,
      [
        {
          loc: [],
          msg: `Method not allowed; this path allows ${allowed.join(', ')}`,
          type: 'method_not_allowed',
          code: 'method_not_allowed',
        },
      ],
      { Allow: allowed.join(', ') },
    );
  }
}
