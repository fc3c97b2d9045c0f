import { SeededRandom } from './seeded-random.js';
import { formatMicros, microsOf } from './timestamps.js';

describe('SeededRandom', () => {
  it('should repeat its sequence for a seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);

    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(
      Array.from({ length: 5 }, () => b.nextUint32()),
    );
  });

  it('should draw integers within both bounds', () => {
    const random = new SeededRandom(1);
    const drawn = new Set(Array.from({ length: 2_000 }, () => random.int(3, 7)));

    expect([...drawn].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('should draw version 4 UUIDs', () => {
    const random = new SeededRandom(3);

    for (let i = 0; i < 200; i++)
      expect(random.uuid()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
  });
});

describe('formatMicros', () => {
  it('should keep all six fractional digits', () => {
    expect(formatMicros(microsOf('2025-12-12T12:00:00Z') + 123_456)).toBe(
      '2025-12-12T12:00:00.123456Z',
    );
    expect(formatMicros(microsOf('2025-12-12T12:00:00Z') + 7)).toBe('2025-12-12T12:00:00.000007Z');
  });
});
