import { describe, expect, it } from 'vitest';
import { ConfigError, readLimits, readTestClock } from './config.ts';

describe('the test clock and rate-limit settings', () => {
  it('gives a clock that only moves forward, only when asked for and only on loopback', () => {
    expect(readTestClock({}, '127.0.0.1')).toBeUndefined();
    expect(readTestClock({ THREADLINE_TEST_CLOCK: 'yes' }, '127.0.0.1')).toBeUndefined();
    expect(() => readTestClock({ THREADLINE_TEST_CLOCK: '1' }, '0.0.0.0')).toThrow(ConfigError);
    const clock = readTestClock({ THREADLINE_TEST_CLOCK: '1' }, '127.0.0.1')!;
    const start = clock.now();
    expect(Math.abs(start - Date.now())).toBeLessThan(1000);
    clock.advance(25 * 3600_000);
    clock.advance(-3600_000); // never backwards
    expect(clock.now() - start).toBeGreaterThanOrEqual(25 * 3600_000);
    expect(clock.now() - start).toBeLessThan(25 * 3600_000 + 1000);
  });

  it('reads THREADLINE_LIMITS as kind=burst/perMinute, refusing anything else with a typed error', () => {
    expect(readLimits({})).toEqual({});
    expect(readLimits({ THREADLINE_LIMITS: 'connections=20000/20000, frames=1000/60000' })).toEqual({
      connections: { capacity: 20000, perMinute: 20000 },
      frames: { capacity: 1000, perMinute: 60000 },
    });
    for (const bad of ['sockets=1/1', 'frames=1', 'frames=0/10', 'frames=-1/10', '__proto__=1/1', 'frames=1/1;']) {
      expect(() => readLimits({ THREADLINE_LIMITS: bad }), bad).toThrow(/^Threadline: failed to start the relay: THREADLINE_LIMITS item .* Write it like connections=2000\/2000 or siteBytes=21474836480\.$/);
    }
  });
});
