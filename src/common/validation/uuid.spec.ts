import { normalizeUuid } from './uuid.js';

describe('normalizeUuid', () => {
  it.each([
    [
      'a version 4 UUID',
      '3c90c3cc-0d44-4b50-8888-8dd25736052a',
      '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    ],
    [
      'an upper-case UUID',
      '3C90C3CC-0D44-4B50-8888-8DD25736052A',
      '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    ],
    [
      'a mixed-case UUID',
      '3c90C3cc-0d44-4B50-8888-8dd25736052A',
      '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    ],
    [
      'a version 7 UUID',
      '0190a5b2-7c3e-7d4f-9a1b-2c3d4e5f6a7b',
      '0190a5b2-7c3e-7d4f-9a1b-2c3d4e5f6a7b',
    ],
    [
      'a version 1 UUID',
      'c232ab00-9414-11ec-b3c8-9f6bdeced846',
      'c232ab00-9414-11ec-b3c8-9f6bdeced846',
    ],
    [
      'the nil UUID',
      '00000000-0000-0000-0000-000000000000',
      '00000000-0000-0000-0000-000000000000',
    ],
  ])('should accept %s in lower case', (_, text, normalized) => {
    const result = normalizeUuid(text);

    expect(result).toBe(normalized);
  });

  it.each([
    ['braces', '{3c90c3cc-0d44-4b50-8888-8dd25736052a}'],
    ['a URN prefix', 'urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a'],
    ['no hyphens', '3c90c3cc0d444b5088888dd25736052a'],
    ['hyphens in the wrong places', '3c90c3cc0-d44-4b50-8888-8dd25736052a'],
    ['a non-hex digit', '3c90c3cc-0d44-4b50-8888-8dd25736052g'],
    ['one digit too many', '3c90c3cc-0d44-4b50-8888-8dd25736052aa'],
    ['surrounding spaces', ' 3c90c3cc-0d44-4b50-8888-8dd25736052a '],
    ['a trailing newline', '3c90c3cc-0d44-4b50-8888-8dd25736052a\n'],
    ['nothing', ''],
  ])('should refuse a UUID with %s', (_, text) => {
    const result = normalizeUuid(text);

    expect(result).toBeUndefined();
  });

  it.each([
    ['a number', 42],
    ['an array of UUIDs', ['3c90c3cc-0d44-4b50-8888-8dd25736052a']],
    ['null', null],
    ['undefined', undefined],
  ])('should refuse %s', (_, value) => {
    const result = normalizeUuid(value);

    expect(result).toBeUndefined();
  });
});
