import { requestIdFor } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it.each(['abc-123', 'a', '4bf92f3577b34da6a3ce929d0e0e4736', 'x'.repeat(128), 'svc.1:2_3'])(
    'should keep the caller id %s',
    (header) => {
      expect(requestIdFor(header)).toBe(header);
    },
  );

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with a line break', 'a\nb'],
    ['with JSON', '{"level":"fatal"}'],
    ['non-ASCII', 'идентификатор'],
    ['repeated', ['a', 'b']],
  ])('should generate a UUID when the header is %s', (_case, header) => {
    expect(requestIdFor(header)).toMatch(UUID);
  });
});

describe('requestIdFor with a trace id', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('should prefer the caller id', () => {
    expect(requestIdFor('abc-123', TRACE_ID)).toBe('abc-123');
  });

  it.each([
    ['absent', undefined],
    ['invalid', 'a b'],
  ])('should use the trace id when the header is %s', (_case, header) => {
    expect(requestIdFor(header, TRACE_ID)).toBe(TRACE_ID);
  });
});
