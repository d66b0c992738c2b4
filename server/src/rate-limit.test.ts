import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst up to capacity, then says how long to wait, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 6, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(10); // one token every 10 s at 6 per minute
    expect(limiter.take('b')).toBe(0); // another key has its own bucket
    now += 10_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });
});
