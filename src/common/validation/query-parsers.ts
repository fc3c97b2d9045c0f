/**
 * What a query parser returns instead of a value when the raw input breaks the contract.
 * The validation pipe turns it into one `{"loc", "msg", "type", "code"}` entry.
 */
export class QueryIssue {
  constructor(
    readonly type: string,
    readonly code: string,
    readonly msg: string,
  ) {}
}

export const MISSING = new QueryIssue('missing', 'missing', 'Field required');

// Express 5's simple query parser yields a string, or an array when a key repeats.
export type RawQueryValue = string | string[] | undefined;

const DIGITS = /^[0-9]+$/;

function single(raw: RawQueryValue): string | QueryIssue {
  if (Array.isArray(raw)) {
    return new QueryIssue('value_error', 'multiple_values', 'Input should be given only once');
  }
  return raw ?? '';
}

function quoteList(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length <= 1
    ? quoted.join('')
    : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function enumIssue(allowed: readonly string[]): QueryIssue {
  return new QueryIssue('enum', 'invalid_enum_value', `Input should be ${quoteList(allowed)}`);
}

export function parseInteger(raw: RawQueryValue, min: number, max: number): number | QueryIssue {
  const text = single(raw);
  if (text instanceof QueryIssue) return text;
  if (!DIGITS.test(text)) {
    return new QueryIssue(
      'int_parsing',
      'invalid_integer',
      'Input should be a whole number written with the digits 0-9',
    );
  }
  // Digits beyond 2^53 round, but never below 2^53, so the range check stays exact.
  const value = Number(text);
  if (value > max) {
    return new QueryIssue(
      'less_than_equal',
      'out_of_range',
      `Input should be less than or equal to ${max}`,
    );
  }
  if (value < min) {
    return new QueryIssue(
      'greater_than_equal',
      'out_of_range',
      `Input should be greater than or equal to ${min}`,
    );
  }
  return value;
}

export function parseBoolean(raw: RawQueryValue): boolean | QueryIssue {
  const text = single(raw);
  if (text instanceof QueryIssue) return text;
  switch (text.toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return new QueryIssue(
        'bool_parsing',
        'invalid_boolean',
        "Input should be 'true', 'false', '1' or '0'",
      );
  }
}

export function parseEnum<T extends string>(
  raw: RawQueryValue,
  allowed: readonly T[],
): T | QueryIssue {
  const text = single(raw);
  if (text instanceof QueryIssue) return text;
  return (allowed as readonly string[]).includes(text) ? (text as T) : enumIssue(allowed);
}

/** Accepts repeated keys (`a=x&a=y`), a comma-separated value (`a=x,y`), or both. */
export function parseEnumArray<T extends string>(
  raw: RawQueryValue,
  allowed: readonly T[],
): T[] | QueryIssue {
  const elements = (Array.isArray(raw) ? raw : [raw ?? '']).flatMap((value) => value.split(','));
  if (elements.some((element) => element === '')) {
    return new QueryIssue('value_error', 'empty_value', 'Input should not contain empty values');
  }
  if (!elements.every((element) => (allowed as readonly string[]).includes(element))) {
    return enumIssue(allowed);
  }
  return [...new Set(elements as T[])];
}

export function parseText(
  raw: RawQueryValue,
  minLength: number,
  maxLength: number,
): string | QueryIssue {
  const text = single(raw);
  if (text instanceof QueryIssue) return text;
  // The contract counts Unicode code points, not UTF-16 units.
  const length = [...text].length;
  if (length < minLength) {
    return new QueryIssue(
      'string_too_short',
      'too_short',
      `String should have at least ${minLength} character${minLength === 1 ? '' : 's'}`,
    );
  }
  if (length > maxLength) {
    return new QueryIssue(
      'string_too_long',
      'too_long',
      `String should have at most ${maxLength} characters`,
    );
  }
  if (text.includes('\u0000')) {
    return new QueryIssue(
      'string_pattern_mismatch',
      'invalid_character',
      'String should not contain NUL characters',
    );
  }
  return text;
}
