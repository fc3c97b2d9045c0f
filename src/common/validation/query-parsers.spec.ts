import {
  QueryIssue,
  parseBoolean,
  parseEnum,
  parseEnumArray,
  parseInteger,
  parseText,
  type RawQueryValue,
} from './query-parsers.js';

// The code of the issue a parser returned, or the value it accepted.
function outcome(result: unknown): unknown {
  return result instanceof QueryIssue ? `issue:${result.code}` : result;
}

describe('parseInteger', () => {
  it.each<[RawQueryValue, unknown]>([
    ['0', 0],
    ['7', 7],
    ['007', 7],
    ['100', 100],
    ['101', 'issue:out_of_range'],
    ['1'.padEnd(400, '0'), 'issue:out_of_range'],
    ['', 'issue:invalid_integer'],
    ['+1', 'issue:invalid_integer'],
    ['-1', 'issue:invalid_integer'],
    [' 1', 'issue:invalid_integer'],
    ['1 ', 'issue:invalid_integer'],
    ['1.0', 'issue:invalid_integer'],
    ['1e1', 'issue:invalid_integer'],
    ['0x1', 'issue:invalid_integer'],
    ['0b1', 'issue:invalid_integer'],
    ['1_0', 'issue:invalid_integer'],
    ['١', 'issue:invalid_integer'],
    ['Infinity', 'issue:invalid_integer'],
    [['1', '2'], 'issue:multiple_values'],
    [['1', '1'], 'issue:multiple_values'],
  ])('should turn %j into %j when the range is 0-100', (raw, expected) => {
    const result = parseInteger(raw, 0, 100);

    expect(outcome(result)).toStrictEqual(expected);
  });

  it.each([
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['9007199254740992', 'issue:out_of_range'],
    ['9007199254740993', 'issue:out_of_range'],
  ])('should keep the 2^53 - 1 bound exact for %s', (raw, expected) => {
    const result = parseInteger(raw, 0, Number.MAX_SAFE_INTEGER);

    expect(outcome(result)).toStrictEqual(expected);
  });

  it('should report a value below the minimum with the minimum in the message', () => {
    const result = parseInteger('0', 1, 10);

    expect(result).toStrictEqual(
      new QueryIssue(
        'greater_than_equal',
        'out_of_range',
        'Input should be greater than or equal to 1',
      ),
    );
  });

  it('should report a value above the maximum with the maximum in the message', () => {
    const result = parseInteger('11', 1, 10);

    expect(result).toStrictEqual(
      new QueryIssue('less_than_equal', 'out_of_range', 'Input should be less than or equal to 10'),
    );
  });
});

describe('parseBoolean', () => {
  it.each<[RawQueryValue, unknown]>([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['tRuE', true],
    ['1', true],
    ['false', false],
    ['FALSE', false],
    ['False', false],
    ['0', false],
    ['', 'issue:invalid_boolean'],
    ['yes', 'issue:invalid_boolean'],
    ['no', 'issue:invalid_boolean'],
    ['on', 'issue:invalid_boolean'],
    ['t', 'issue:invalid_boolean'],
    ['01', 'issue:invalid_boolean'],
    [' true', 'issue:invalid_boolean'],
    [['true', 'false'], 'issue:multiple_values'],
  ])('should turn %j into %j', (raw, expected) => {
    const result = parseBoolean(raw);

    expect(outcome(result)).toStrictEqual(expected);
  });
});

describe('parseEnum', () => {
  const DIRECTIONS = ['asc', 'desc'] as const;

  it.each<[RawQueryValue, unknown]>([
    ['asc', 'asc'],
    ['desc', 'desc'],
    ['DESC', 'issue:invalid_enum_value'],
    ['', 'issue:invalid_enum_value'],
    ['asc,desc', 'issue:invalid_enum_value'],
    [['asc', 'asc'], 'issue:multiple_values'],
  ])('should turn %j into %j', (raw, expected) => {
    const result = parseEnum(raw, DIRECTIONS);

    expect(outcome(result)).toStrictEqual(expected);
  });

  it('should list the allowed values in the message', () => {
    const result = parseEnum('up', ['a', 'b', 'c']);

    expect(result).toStrictEqual(
      new QueryIssue('enum', 'invalid_enum_value', "Input should be 'a', 'b' or 'c'"),
    );
  });
});

describe('parseEnumArray', () => {
  const STATUSES = ['connected', 'disconnected'] as const;

  it.each<[RawQueryValue, unknown]>([
    ['connected', ['connected']],
    ['connected,disconnected', ['connected', 'disconnected']],
    [
      ['disconnected', 'connected'],
      ['disconnected', 'connected'],
    ],
    [
      ['connected,disconnected', 'connected'],
      ['connected', 'disconnected'],
    ],
    ['connected,connected', ['connected']],
    ['', 'issue:empty_value'],
    ['connected,', 'issue:empty_value'],
    [',connected', 'issue:empty_value'],
    ['connected,,disconnected', 'issue:empty_value'],
    [['connected', ''], 'issue:empty_value'],
    ['CONNECTED', 'issue:invalid_enum_value'],
    ['connected, disconnected', 'issue:invalid_enum_value'],
    ['connected;disconnected', 'issue:invalid_enum_value'],
  ])('should turn %j into %j', (raw, expected) => {
    const result = parseEnumArray(raw, STATUSES);

    expect(outcome(result)).toStrictEqual(expected);
  });
});

describe('parseText', () => {
  it.each<[RawQueryValue, unknown]>([
    ['a', 'a'],
    ['%_\\', '%_\\'],
    ['a'.repeat(5), 'aaaaa'],
    ['😀'.repeat(5), '😀'.repeat(5)],
    ['a'.repeat(6), 'issue:too_long'],
    ['😀'.repeat(6), 'issue:too_long'],
    ['', 'issue:too_short'],
    ['a\u0000', 'issue:invalid_character'],
    [['a', 'b'], 'issue:multiple_values'],
  ])('should turn %j into %j when 1-5 code points are allowed', (raw, expected) => {
    const result = parseText(raw, 1, 5);

    expect(outcome(result)).toStrictEqual(expected);
  });

  it('should count an astral-plane character as one code point, not two UTF-16 units', () => {
    const text = `${'a'.repeat(254)}😀`;

    const result = parseText(text, 1, 255);

    expect(text).toHaveLength(256);
    expect(result).toBe(text);
  });

  it.each([
    [1, 'String should have at least 1 character'],
    [2, 'String should have at least 2 characters'],
  ])('should say how short is too short when the minimum is %i', (minLength, msg) => {
    const result = parseText('', minLength, 10);

    expect(result).toStrictEqual(new QueryIssue('string_too_short', 'too_short', msg));
  });
});
