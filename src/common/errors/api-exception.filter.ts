import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../../database/database-errors.js';
import { requestLogContext, type RequestLogContext } from '../../platform/logging/request-id.js';
import {
  ApiError,
  type ErrorEnvelope,
  InternalServerError,
  ServiceUnavailableError,
} from './api-error.js';

/** Renders every error, expected or not, as the contract's `{"detail": [...]}` envelope. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const error = this.toApiError(exception, requestLogContext(http.getRequest<Request>()));
    if (response.headersSent) {
      response.end();
      return;
    }
    const body: ErrorEnvelope = { detail: error.details };
    response.status(error.status).set(error.headers).json(body);
  }

  private toApiError(exception: unknown, context: RequestLogContext | undefined): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ msg: `database unavailable: ${describe(exception)}`, ...context });
      return new ServiceUnavailableError();
    }
    this.logger.error(
      { msg: describe(exception), ...context },
      exception instanceof Error ? exception.stack : undefined,
    );
    return new InternalServerError();
  }
}

function fromHttpException(exception: HttpException): ApiError {
  const status = exception.getStatus();
  if (status >= 500)
    return status === 503 ? new ServiceUnavailableError() : new InternalServerError();
  const code = (HttpStatus[status] ?? 'error').toLowerCase();
  // Framework messages echo the request ("Cannot GET /path?query", which may carry a token)
  // or parser internals: the status text says enough.
  const msg = STATUS_CODES[status] ?? 'Error';
  return new ApiError(status, [{ loc: [], msg, type: code, code }]);
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
