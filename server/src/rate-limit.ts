/**
 * Token buckets per key (an IP address, a session): `capacity` requests at once, refilled at
 * `perMinute`. Buckets that have refilled are forgotten, so memory follows active clients only.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token; returns 0, or the seconds to wait when the bucket is empty. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.capacity, at: now };
    const tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return Math.ceil(((1 - tokens) * 60) / this.perMinute);
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > 10_000) this.#forgetFull(now);
    return 0;
  }

  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute >= this.capacity) this.#buckets.delete(key);
    }
  }
}
