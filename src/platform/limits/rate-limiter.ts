interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimit {
  /** Requests allowed per window; 0 turns the limiter off. */
  requests: number;
  windowSeconds: number;
}

/**
 * Token buckets per key, in this process's memory: each key may burst `requests` at once
 * and regains them evenly over the window. With N pods a client gets up to N times the
 * limit; a global limit needs a shared store.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly tokensPerMs: number;
  private lastSweep: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokensPerMs = limit.requests / (limit.windowSeconds * 1000);
    this.lastSweep = now();
  }

  /** Takes one request from `key`'s bucket: 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    if (this.limit.requests === 0) return 0;
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.requests, updatedAt: now };
    bucket.tokens = this.refilled(bucket, now);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.tokensPerMs / 1000));
  }

  get trackedKeys(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(
      this.limit.requests,
      bucket.tokens + (now - bucket.updatedAt) * this.tokensPerMs,
    );
  }

  // A full bucket is the same as no bucket: forgetting it bounds memory by the keys seen
  // within one window.
  private sweep(now: number): void {
    if (now - this.lastSweep < this.limit.windowSeconds * 1000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.limit.requests) this.buckets.delete(key);
    }
  }
}
