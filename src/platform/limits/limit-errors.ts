import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../../common/errors/api-error.js';

// The pod sheds this request to stay responsive; any other pod, or this one a moment later,
// can serve it.
const OVERLOAD_RETRY_AFTER_SECONDS = 1;

export class OverloadedError extends ApiError {
  constructor() {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      [
        {
          loc: [],
          msg: 'The service is handling too many requests, please retry',
          type: 'service_unavailable',
          code: 'overloaded',
        },
      ],
      { 'Retry-After': String(OVERLOAD_RETRY_AFTER_SECONDS) },
    );
  }
}

export class RateLimitedError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      [
        {
          loc: [],
          msg: `Too many requests for this organization, retry in ${retryAfterSeconds} s`,
          type: 'rate_limited',
          code: 'rate_limited',
        },
      ],
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

export class UriTooLongError extends ApiError {
  constructor(maxLength: number) {
    super(HttpStatus.URI_TOO_LONG, [
      {
        loc: [],
        msg: `The URL must be at most ${maxLength} characters long`,
        type: 'uri_too_long',
        code: 'uri_too_long',
      },
    ]);
  }
}

export class MissingHostError extends ApiError {
  constructor() {
    super(HttpStatus.BAD_REQUEST, [
      { loc: ['header', 'host'], msg: 'Field required', type: 'missing', code: 'missing' },
    ]);
  }
}

export class InvalidHostError extends ApiError {
  constructor(msg: string) {
    super(HttpStatus.BAD_REQUEST, [
      { loc: ['header', 'host'], msg, type: 'value_error', code: 'invalid_host' },
    ]);
  }
}
