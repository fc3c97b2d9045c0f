import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RequestValidationError } from '../errors/api-error.js';
import { issueOf } from './query-decorators.js';

function toDetail(error: ValidationError) {
  if (error.constraints?.whitelistValidation) {
    return {
      loc: ['query', error.property],
      msg: 'Unknown query parameter',
      type: 'extra_forbidden',
      code: 'unknown_parameter',
    };
  }
  const issue = issueOf(error.value);
  return { loc: ['query', error.property], msg: issue.msg, type: issue.type, code: issue.code };
}

/** Validates query DTOs, reporting every invalid input of the request at once. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationError(errors.map(toDetail)),
  });
}
