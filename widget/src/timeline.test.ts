import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@threadline/sdk';
import { continues, times } from './timeline.ts';

const at = (iso: string) => new Date(iso).getTime();
const now = at('2026-12-02T13:45:00');
const message = (from: 'visitor' | 'agent', iso: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({ id: iso, from, text: 'x', at: at(iso), status: 'sent', ...extra });

describe('times in the visitor’s language', () => {
  it('names the day: today, yesterday, a weekday within the week, then the date', () => {
    const en = times('en');
    expect(en.day(at('2026-12-02T08:00:00'), now)).toBe('today');
    expect(en.day(at('2026-12-01T23:59:00'), now)).toBe('yesterday');
    expect(en.day(at('2026-11-28T10:00:00'), now)).toBe('Saturday');
    expect(en.day(at('2026-11-20T10:00:00'), now)).toBe('Nov 20, 2026');
    const fr = times('fr');
    expect(fr.day(at('2026-12-02T08:00:00'), now)).toBe('aujourd’hui');
    expect(fr.day(at('2026-12-01T08:00:00'), now)).toBe('hier');
    expect(times('ar').day(at('2026-12-01T08:00:00'), now)).toBe('أمس');
  });

  it('says a group’s time relatively within the hour, then as the clock time', () => {
    const en = times('en');
    expect(en.ago(now - 20_000, now)).toBe('now');
    expect(en.ago(now - 5 * 60_000, now)).toBe('5 min. ago');
    expect(en.ago(at('2026-12-02T09:05:00'), now)).toBe('9:05 AM');
    expect(times('de').ago(now - 5 * 60_000, now)).toBe('vor 5 Min.');
    expect(times('de').clock(at('2026-12-02T09:05:00'))).toBe('9:05');
  });
});

describe('grouping', () => {
  it('groups one author’s messages a few minutes apart on one day, and nothing else', () => {
    const first = message('visitor', '2026-12-02T13:00:00');
    expect(continues(first, message('visitor', '2026-12-02T13:04:00'))).toBe(true);
    expect(continues(first, message('agent', '2026-12-02T13:01:00'))).toBe(false);
    expect(continues(first, message('visitor', '2026-12-02T13:06:00'))).toBe(false);
    expect(continues(message('visitor', '2026-12-01T23:59:00'), message('visitor', '2026-12-02T00:01:00'))).toBe(false);
    expect(continues(message('agent', '2026-12-02T13:00:00'), message('agent', '2026-12-02T13:01:00', { channel: 'whatsapp' }))).toBe(false);
    expect(continues(undefined, first)).toBe(false);
  });
});
