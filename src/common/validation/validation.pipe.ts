import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { type ErrorDetail, RequestValidationError } from '../errors/api-error.js';
import { issueOf } from './query-decorators.js';

function toDetail(error: ValidationError): ErrorDetail {
  const issue = issueOf(error.value);
  return { loc: ['query', error.property], msg: issue.msg, type: issue.type, code: issue.code };
}

function unknownParameter(name: string): ErrorDetail {
  return {
    loc: ['query', name],
    msg: 'Unknown query parameter',
    type: 'extra_forbidden',
    code: 'unknown_parameter',
  };
}

/**
 * Validates query DTOs, reporting every invalid input of the request at once.
 *
 * Unknown parameters are found here, on the raw query, rather than by class-validator's
 * forbidNonWhitelisted: class-transformer silently drops keys such as `toString`,
 * `constructor` or `__proto__` before class-validator sees them, and the contract says
 * an unknown parameter is always refused.
 */
class QueryValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const unknown = unknownParameters(value, metadata).map(unknownParameter);
    let result: unknown;
    try {
      result = await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof RequestValidationError && unknown.length > 0) {
        throw new RequestValidationError([...unknown, ...error.details]);
      }
      throw error;
    }
    if (unknown.length > 0) throw new RequestValidationError(unknown);
    return result;
  }
}

// A DTO's parameters never change at run time: read its metadata once, not per request.
const declaredByDto = new WeakMap<object, ReadonlySet<string>>();

/** The query parameters a DTO declares, from its class-validator metadata. */
function declaredParameters(dto: NonNullable<ArgumentMetadata['metatype']>): ReadonlySet<string> {
  let declared = declaredByDto.get(dto);
  if (declared === undefined) {
    declared = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', true, false)
        .map((validation) => validation.propertyName),
    );
    declaredByDto.set(dto, declared);
  }
  return declared;
}

function unknownParameters(value: unknown, metadata: ArgumentMetadata): string[] {
  const { type, data, metatype } = metadata;
  if (type !== 'query' || data !== undefined || metatype === undefined) return [];
  if (typeof value !== 'object' || value === null) return [];
  const known = declaredParameters(metatype);
  if (known.size === 0) return [];
  return Object.keys(value).filter((name) => !known.has(name));
}

export function createValidationPipe(): ValidationPipe {
  return new QueryValidationPipe({
    transform: true,
    // Unknown keys are reported by QueryValidationPipe; whitelist only strips them.
    whitelist: true,
    forbidNonWhitelisted: false,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationError(errors.map(toDetail)),
  });
}
