import {
  type ArgumentMetadata,
  applyDecorators,
  type PipeTransform,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions, type BaseParameterObject } from '@nestjs/swagger';
import { type ErrorDetail, RequestValidationError } from '../errors/api-error.js';
import {
  MISSING,
  parseBoolean,
  parseEnum,
  parseEnumArray,
  parseInteger,
  parseText,
  QueryIssue,
  type RawQueryValue,
} from './query-parsers.js';

/*
 * Query DTOs, read in one pass. Each decorator below declares one parameter of its DTO —
 * the parser of query-parsers.ts that reads its raw value, whether it is required — and
 * its Swagger entry. readQuery() then checks a raw query against the DTO: every unknown
 * key, every refused value and every missing required parameter of the request is
 * reported at once, in that order (parameters in the order the DTO declares them).
 */

interface QueryParameter {
  name: string;
  required: boolean;
  parse: (raw: RawQueryValue) => unknown;
}

interface QueryOptions {
  required?: boolean;
  description?: string;
  // Swagger UI pre-fills "Try it out" with it.
  example?: unknown;
}

// The parameters of each query DTO class, in declaration order.
const declared = new WeakMap<object, QueryParameter[]>();

// Nest copies `style` and `explode` of a query DTO property onto its parameter object.
type QuerySchema = ApiPropertyOptions & Pick<BaseParameterObject, 'style' | 'explode'>;

function queryParameter(
  parse: (raw: RawQueryValue) => unknown,
  options: QueryOptions,
  schema: QuerySchema,
): PropertyDecorator {
  const required = options.required ?? false;
  const declare: PropertyDecorator = (prototype, key) => {
    const parameters = declared.get(prototype.constructor) ?? [];
    parameters.push({ name: String(key), required, parse });
    declared.set(prototype.constructor, parameters);
  };
  return applyDecorators(
    declare,
    ApiProperty({
      ...schema,
      required,
      description: options.description,
      example: options.example,
    } as ApiPropertyOptions),
  );
}

export function IntQuery(options: QueryOptions & { min: number; max: number }): PropertyDecorator {
  return queryParameter((raw) => parseInteger(raw, options.min, options.max), options, {
    type: 'integer',
    minimum: options.min,
    maximum: options.max,
  });
}

export function BooleanQuery(options: QueryOptions = {}): PropertyDecorator {
  return queryParameter(parseBoolean, options, { type: 'boolean', nullable: true });
}

// Enums stay inline (no enumName): a $ref would drop the parameter's default, which
// OpenAPI 3.0 ignores beside a $ref.
export function EnumQuery<T extends string>(
  values: readonly T[],
  options: QueryOptions & { default: T },
): PropertyDecorator {
  return queryParameter((raw) => parseEnum(raw, values), options, {
    type: 'string',
    enum: [...values],
    default: options.default,
  });
}

export function EnumArrayQuery<T extends string>(
  values: readonly T[],
  options: QueryOptions = {},
): PropertyDecorator {
  return queryParameter((raw) => parseEnumArray(raw, values), options, {
    type: 'string',
    enum: [...values],
    isArray: true,
    minItems: 1,
    ...(!options.required && { nullable: true }),
    // Repeated keys (statuses=a&statuses=b): what Swagger UI and most clients send.
    style: 'form',
    explode: true,
  });
}

export function TextQuery(
  options: QueryOptions & { minLength: number; maxLength: number },
): PropertyDecorator {
  return queryParameter((raw) => parseText(raw, options.minLength, options.maxLength), options, {
    type: 'string',
    minLength: options.minLength,
    maxLength: options.maxLength,
    nullable: true,
  });
}

function detail(name: string, issue: QueryIssue): ErrorDetail {
  return { loc: ['query', name], msg: issue.msg, type: issue.type, code: issue.code };
}

const UNKNOWN = new QueryIssue('extra_forbidden', 'unknown_parameter', 'Unknown query parameter');

/**
 * The DTO `dto` filled from `raw` (as Express 5's simple parser yields it), its
 * initializers giving the defaults; or a RequestValidationError. An unknown key is always
 * refused, `__proto__` and `constructor` too: the raw keys are checked as sent.
 */
export function readQuery<T extends object>(
  dto: new () => T,
  raw: Readonly<Record<string, RawQueryValue>>,
): T {
  const parameters = declared.get(dto);
  if (parameters === undefined) throw new TypeError(`${dto.name} declares no query parameters`);
  const details: ErrorDetail[] = [];
  for (const name of Object.keys(raw)) {
    if (!parameters.some((parameter) => parameter.name === name))
      details.push(detail(name, UNKNOWN));
  }
  const query = new dto() as Record<string, unknown>;
  for (const { name, required, parse } of parameters) {
    const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
    if (value === undefined) {
      if (required) details.push(detail(name, MISSING));
      continue;
    }
    const parsed = parse(value);
    if (parsed instanceof QueryIssue) details.push(detail(name, parsed));
    else query[name] = parsed;
  }
  if (details.length > 0) throw new RequestValidationError(details);
  return query as T;
}

/**
 * The global pipe: query DTOs declared with the decorators above are read by readQuery();
 * anything else goes to Nest's ValidationPipe (class-validator), as it always did.
 */
class QueryValidationPipe implements PipeTransform {
  private readonly others = new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors: ValidationError[]) =>
      new RequestValidationError(
        errors.map((error) =>
          detail(error.property, error.value instanceof QueryIssue ? error.value : MISSING),
        ),
      ),
  });

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { type, data, metatype } = metadata;
    if (type === 'query' && data === undefined && metatype !== undefined && declared.has(metatype))
      return readQuery(metatype as new () => object, value as Record<string, RawQueryValue>);
    return this.others.transform(value, metadata);
  }
}

export function createValidationPipe(): PipeTransform {
  return new QueryValidationPipe();
}
