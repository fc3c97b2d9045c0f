import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';

/**
 * Keeps Terminus' per-check report in a failed probe's body (the API's error envelope
 * would hide which check failed); the indicators keep internals out of that report.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFailureFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(exception.getStatus())
      .set('Cache-Control', 'no-store')
      .json(exception.getResponse());
  }
}
