import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { type ErrorDetail, RequestValidationError } from '../errors/api-error.js';
import { issueOf } from './query-decorators.js';

function unknownParameter(name: string): ErrorDetail {
  return {
    loc: ['query', name],
    msg: 'Unknown query parameter',
    type: 'extra_forbidden',
    code: 'unknown_parameter',
  };
}

function toDetail(error: ValidationError): ErrorDetail {
  if (error.constraints?.whitelistValidation) return unknownParameter(error.property);
  const issue = issueOf(error.value);
  return { loc: ['query', error.property], msg: issue.msg, type: issue.type, code: issue.code };
}

function declaredProperties(dto: ArgumentMetadata['metatype']): Set<string> {
  if (dto === undefined) return new Set();
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return new Set(metadata.map((entry) => entry.propertyName));
}

/**
 * Validates query DTOs, reporting every invalid input of the request at once.
 *
 * Unknown keys are found on the raw query, before class-transformer: it silently drops
 * `__proto__` and `constructor`, and class-validator's whitelist looks names up in a plain
 * object, so `toString`, `valueOf` or `hasOwnProperty` pass as declared properties.
 */
class QueryValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const unknown = metadata.type === 'query' ? this.unknownKeys(value, metadata.metatype) : [];
    let result: unknown;
    try {
      result = await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof RequestValidationError) || unknown.length === 0) throw error;
      const others = error.details.filter((detail) => detail.code !== 'unknown_parameter');
      throw new RequestValidationError([...unknown.map(unknownParameter), ...others]);
    }
    if (unknown.length > 0) throw new RequestValidationError(unknown.map(unknownParameter));
    return result;
  }

  private unknownKeys(value: unknown, dto: ArgumentMetadata['metatype']): string[] {
    if (typeof value !== 'object' || value === null) return [];
    const declared = declaredProperties(dto);
    return Object.keys(value).filter((key) => !declared.has(key));
  }
}

export function createValidationPipe(): ValidationPipe {
  return new QueryValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationError(errors.map(toDetail)),
  });
}
