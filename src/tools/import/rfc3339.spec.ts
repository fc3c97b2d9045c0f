import { checkTimestamp } from './rfc3339.js';

describe('checkTimestamp', () => {
  it.each([
    ['2025-12-12T12:00:00.123456Z', '2025-12-12T12:00:00.123456Z'],
    ['2025-12-12T12:00:00Z', '2025-12-12T12:00:00Z'],
    ['2025-12-12t12:00:00.5z', '2025-12-12T12:00:00.5Z'],
    ['2025-12-12T12:00:00.000001+05:30', '2025-12-12T12:00:00.000001+05:30'],
    ['2024-02-29T23:59:59-00:00', '2024-02-29T23:59:59-00:00'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00Z'],
  ])('should accept %s', (text, value) => {
    expect(checkTimestamp(text)).toEqual({ ok: true, value });
  });

  it('should refuse more than six fractional digits instead of rounding them', () => {
    expect(checkTimestamp('2025-12-12T12:00:00.1234567Z')).toEqual({
      ok: false,
      reason: 'must have at most 6 fractional digits (microseconds)',
    });
  });

  it.each([
    '2025-12-12 12:00:00Z',
    '2025-12-12T12:00:00',
    '2025-12-12T12:00Z',
    '2025-12-12T12:00:00.Z',
    '2025-12-12',
    '12/12/2025',
    '+2025-12-12T12:00:00Z',
    '2025-12-12T12:00:00+0100',
    '2025-12-12T12:00:00.123456Z ',
    '2025-12-12T12:00:00.123a56Z',
    '2025-12-12T12:00:00+01:00:00',
    '2025-12-12T12:00:00+1:00',
    '２０２５-12-12T12:00:00Z',
    '',
    '2025',
  ])('should refuse %j as not RFC 3339', (text) => {
    expect(checkTimestamp(text)).toEqual({
      ok: false,
      reason: 'must be an RFC 3339 timestamp such as 2025-12-12T12:00:00.123456Z',
    });
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2025-04-31T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-00-01T00:00:00Z',
    '2025-12-00T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '2025-12-12T24:00:00Z',
    '2025-12-12T12:60:00Z',
    '2016-12-31T23:59:60Z',
    '2025-12-12T12:00:00+24:00',
    '2025-12-12T12:00:00+01:60',
  ])('should refuse %s as not a real date and time', (text) => {
    expect(checkTimestamp(text)).toEqual({
      ok: false,
      reason: 'must be a real date and time of day',
    });
  });
});
