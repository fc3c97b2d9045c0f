import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('should never refuse when the limit is 0', () => {
    const limiter = new RateLimiter({ requests: 0, windowSeconds: 60 }, clock);

    const waits = Array.from({ length: 1000 }, () => limiter.take('org'));

    expect(waits.every((wait) => wait === 0)).toBe(true);
  });

  it('should allow a burst of the limit, then tell how long until the next token', () => {
    const limiter = new RateLimiter({ requests: 3, windowSeconds: 60 }, clock);

    const waits = [1, 2, 3, 4].map(() => limiter.take('org'));

    // 3 per 60 s: one token every 20 s.
    expect(waits).toEqual([0, 0, 0, 20]);
  });

  it('should refill evenly over the window', () => {
    const limiter = new RateLimiter({ requests: 3, windowSeconds: 60 }, clock);
    for (let i = 0; i < 3; i++) limiter.take('org');

    now += 15_000;
    const early = limiter.take('org');
    now += 5_000;
    const onTime = limiter.take('org');

    expect(early).toBe(5);
    expect(onTime).toBe(0);
  });

  it('should keep one bucket per key', () => {
    const limiter = new RateLimiter({ requests: 1, windowSeconds: 60 }, clock);

    const first = limiter.take('a');
    const again = limiter.take('a');
    const other = limiter.take('b');

    expect([first, again, other]).toEqual([0, 60, 0]);
  });

  it('should forget buckets that have refilled, so memory is bounded by recent keys', () => {
    const limiter = new RateLimiter({ requests: 2, windowSeconds: 10 }, clock);
    for (let i = 0; i < 100; i++) limiter.take(`org-${i}`);

    now += 10_000;
    limiter.take('latest');

    expect(limiter.trackedKeys).toBe(1);
  });
});
