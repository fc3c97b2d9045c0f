import { escapeLike } from './escape-like.js';

describe('escapeLike', () => {
  it.each([
    ['plain text', 'Acme Freight', 'Acme Freight'],
    ['a percent sign', '100%', '100\\%'],
    ['an underscore', 'a_b', 'a\\_b'],
    ['a backslash', 'a\\b', 'a\\\\b'],
    ['every special character twice', '%%__\\\\', '\\%\\%\\_\\_\\\\\\\\'],
    ['an escape sequence that is already there', '\\%', '\\\\\\%'],
    ['characters LIKE does not treat specially', '[a]*?\'"', '[a]*?\'"'],
    ['nothing', '', ''],
  ])('should escape %s', (_, text, escaped) => {
    const result = escapeLike(text);

    expect(result).toBe(escaped);
  });
});
