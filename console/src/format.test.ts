import { describe, expect, it } from 'vitest';
import { count, duration, timeFormats } from './format.ts';

describe('count', () => {
  it('says "1 message" and "2 messages", never "1 messages"', () => {
    expect(count(0, 'message')).toBe('0 messages');
    expect(count(1, 'message')).toBe('1 message');
    expect(count(2, 'message')).toBe('2 messages');
    expect(count(1, 'reply', 'replies')).toBe('1 reply');
    expect(count(3, 'reply', 'replies')).toBe('3 replies');
  });
});

describe('timeFormats', () => {
  // Noon on a Wednesday, so "yesterday" and "this week" do not straddle a year or a week.
  const now = new Date(2026, 11, 2, 12, 0).getTime();
  const en = timeFormats('en-GB');

  it('says how long ago, in words, instead of a numeric date', () => {
    expect(en.relative(now - 20_000, now)).toBe('now');
    expect(en.relative(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(en.relative(now - 3 * 3600_000, now)).toBe('3 hr ago');
    expect(en.relative(new Date(2026, 11, 1, 23, 0).getTime(), now)).toBe('yesterday');
    expect(en.relative(now + 7 * 86_400_000, now)).toBe('in 7 days');
    expect(en.relative(new Date(2026, 9, 14).getTime(), now)).toBe('14 Oct');
    expect(en.relative(new Date(2025, 9, 14).getTime(), now)).toBe('14 Oct 2025');
    expect(en.relative(now - 5 * 60_000, now)).not.toMatch(/\d+\/\d+\/\d+/);
  });

  it('says when something will happen after a verb ("deleted in 7 days", "deleted on 1 Jan 2027")', () => {
    expect(en.until(now + 7 * 86_400_000, now)).toBe('in 7 days');
    expect(en.until(now + 86_400_000, now)).toBe('tomorrow');
    expect(en.until(new Date(2027, 0, 1).getTime(), now)).toBe('on 1 Jan 2027');
  });

  it('follows the agent’s locale', () => {
    expect(timeFormats('fr').relative(now - 5 * 60_000, now)).toMatch(/^il y a\s5\smin$/u);
    expect(timeFormats('de').relative(new Date(2026, 11, 1, 9, 0).getTime(), now)).toBe('gestern');
  });

  it('stamps a message with the time today, the weekday this week, else the date', () => {
    expect(en.stamp(new Date(2026, 11, 2, 9, 5).getTime(), now)).toBe('09:05');
    expect(en.stamp(new Date(2026, 10, 30, 9, 5).getTime(), now)).toBe('Mon 09:05');
    expect(en.stamp(new Date(2026, 9, 14, 9, 5).getTime(), now)).toMatch(/^14 Oct, 0?9:05$/);
  });

  it('keeps the whole date for a tooltip', () => {
    expect(en.full(new Date(2026, 11, 2, 9, 5).getTime())).toMatch(/^Wednesday,? 2 December 2026 at 09:05$/);
  });
});

describe('duration', () => {
  it('says a length of time in its two largest units', () => {
    expect(duration(0)).toBe('0s');
    expect(duration(45_000)).toBe('45s');
    expect(duration(12 * 60_000 + 4_000)).toBe('12m 4s');
    expect(duration(3 * 3600_000 + 5 * 60_000)).toBe('3h 5m');
    expect(duration(3 * 3600_000 + 20_000)).toBe('3h');
    expect(duration(2 * 86_400_000 + 4 * 3600_000 + 59_000)).toBe('2d 4h');
  });
});
