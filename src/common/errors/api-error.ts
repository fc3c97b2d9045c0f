import { HttpStatus } from '@nestjs/common';

/** One entry of the contract's error envelope `{"detail": [...]}`. */
export interface ErrorDetail {
  loc: Array<string | number>;
  msg: string;
  type: string;
  code: string;
}

export interface ErrorEnvelope {
  detail: ErrorDetail[];
}

/** An error the client is allowed to see, rendered by ApiExceptionFilter. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly details: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(details.map((detail) => detail.msg).join('; '));
  }
}

export class InvalidTokenError extends ApiError {
  constructor(msg: string, code = 'invalid_token') {
    super(
      HttpStatus.UNAUTHORIZED,
      [{ loc: ['header', 'authorization'], msg, type: 'invalid_token', code }],
      {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      },
    );
  }
}

export class InsufficientScopeError extends ApiError {
  constructor(scope: string) {
    super(
      HttpStatus.FORBIDDEN,
      [
        {
          loc: ['header', 'authorization'],
          msg: `The token lacks the required scope "${scope}"`,
          type: 'insufficient_scope',
          code: 'insufficient_scope',
        },
      ],
      { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    );
  }
}

export class OrganizationAccessDeniedError extends ApiError {
  constructor(msg: string, code: string, loc: ErrorDetail['loc']) {
    super(HttpStatus.FORBIDDEN, [{ loc, msg, type: 'permission_denied', code }]);
  }
}

export class RequestValidationError extends ApiError {
  constructor(details: ErrorDetail[]) {
    super(HttpStatus.UNPROCESSABLE_ENTITY, details);
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor() {
    super(HttpStatus.SERVICE_UNAVAILABLE, [
      {
        loc: [],
        msg: 'The service is temporarily unavailable, please retry',
        type: 'service_unavailable',
        code: 'service_unavailable',
      },
    ]);
  }
}

export class InternalServerError extends ApiError {
  constructor() {
    super(HttpStatus.INTERNAL_SERVER_ERROR, [
      { loc: [], msg: 'Internal server error', type: 'internal_error', code: 'internal_error' },
    ]);
  }
}
