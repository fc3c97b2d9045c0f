import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions, type BaseParameterObject } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { MISSING, QueryIssue } from './query-issue.js';
import {
  parseBoolean,
  parseEnum,
  parseEnumArray,
  parseInteger,
  parseText,
  type RawQueryValue,
} from './query-parsers.js';

export const QUERY_VALUE_CONSTRAINT = 'queryValue';

interface QueryOptions {
  required?: boolean;
  description?: string;
  // Swagger UI pre-fills "Try it out" with it.
  example?: unknown;
}

/**
 * The parsers run as class-transformer transforms on the raw input (never on a value
 * class-transformer already coerced: it turns "false" into true). This validator then
 * reports whatever a parser refused, or a required parameter that is absent.
 */
function IsValidQueryValue(required: boolean): PropertyDecorator {
  return ValidateBy({
    name: QUERY_VALUE_CONSTRAINT,
    validator: {
      validate: (value: unknown) =>
        !(value instanceof QueryIssue) && !(required && value === undefined),
      defaultMessage: (args?: ValidationArguments) => issueOf(args?.value).msg,
    },
  });
}

export function issueOf(value: unknown): QueryIssue {
  return value instanceof QueryIssue ? value : MISSING;
}

// Nest copies `style` and `explode` of a query DTO property onto its parameter object.
type QuerySchema = ApiPropertyOptions & Pick<BaseParameterObject, 'style' | 'explode'>;

function queryParameter(
  parse: (raw: RawQueryValue) => unknown,
  options: QueryOptions,
  schema: QuerySchema,
): PropertyDecorator {
  const required = options.required ?? false;
  return applyDecorators(
    Transform(({ obj, key }: { obj: Record<string, RawQueryValue>; key: string }) =>
      parse(obj[key]),
    ),
    IsValidQueryValue(required),
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
