import { describe, expect, it } from 'vitest';
import type { ChatMessage, ConversationSummary } from '@threadline/sdk/agent';
import { buildReport } from './report-data.ts';

const HOUR = 3_600_000;
const now = new Date(2026, 2, 10, 18, 0).getTime(); // 10 March, 18:00 local time
const at = (day: number, hour: number, minute = 0) => new Date(2026, 2, day, hour, minute).getTime();

const conversation = (id: string, createdAt: number, extra: Partial<ConversationSummary> = {}): ConversationSummary =>
  ({ id, visitor: { id: `v-${id}` }, createdAt, expiresAt: now + 7 * 24 * HOUR, lastSeq: 0, lastAt: createdAt, channel: null, mergedInto: null, status: null, assignee: null, ...extra }) as ConversationSummary;
let seq = 0;
const said = (from: 'visitor' | 'agent', when: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({ id: `m${++seq}`, from, at: when, seq, text: 'x', status: 'sent', ...extra });

/** The seeded data set: four conversations over three days, on the web and WhatsApp. */
function seeded() {
  const threads: Record<string, ChatMessage[]> = {
    // Answered after 10 minutes, closed after the agent's second reply at 9:40, rated 4 then 5.
    a: [said('visitor', at(8, 9)), said('agent', at(8, 9, 10)), said('visitor', at(8, 9, 20), { rating: { score: 4 } }), said('agent', at(8, 9, 40)), said('visitor', at(8, 9, 41), { rating: { score: 5, comment: 'great' } })],
    // WhatsApp, answered after 30 minutes, still open.
    b: [said('visitor', at(9, 12)), said('agent', at(9, 12, 30))],
    // Unanswered; a reply that failed does not count.
    c: [said('visitor', at(10, 8)), said('agent', at(10, 8, 5), { status: 'failed', seq: undefined })],
    // Merged into c: not a conversation of its own.
    d: [said('visitor', at(10, 8, 1))],
    // Before the period.
    old: [said('visitor', at(1, 8)), said('agent', at(1, 9))],
  };
  const conversations = [
    conversation('a', at(8, 9), { lastSeq: threads.a![4]!.seq!, status: { state: 'closed', seq: threads.a![4]!.seq!, until: null } }),
    conversation('b', at(9, 12), { visitor: null, channel: { name: 'whatsapp', label: 'Ana', lastInboundAt: at(9, 12) } }),
    conversation('c', at(10, 8)),
    conversation('d', at(10, 8, 1), { mergedInto: 'c' }),
    conversation('old', at(1, 8)),
  ];
  return { conversations, messagesOf: (id: string) => threads[id]! };
}

describe('buildReport', () => {
  it('counts conversations per day and where they started, over the whole period', () => {
    const { conversations, messagesOf } = seeded();
    const report = buildReport(conversations, messagesOf, 7, now);
    expect(report.days).toHaveLength(7);
    expect(report.days[0]!.day).toBe(new Date(2026, 2, 4).getTime());
    expect(report.days.slice(-3).map((d) => [d.counts.web, d.counts.whatsapp, d.counts.messenger, d.counts.instagram])).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [1, 0, 0, 0],
    ]);
    expect(report.conversations.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('measures first response and resolution, and leaves out what has none', () => {
    const { conversations, messagesOf } = seeded();
    const report = buildReport(conversations, messagesOf, 7, now);
    expect(report.conversations.map((c) => [c.id, c.firstResponseMs, c.resolutionMs, c.state])).toEqual([
      ['a', 10 * 60_000, 41 * 60_000, 'closed'],
      ['b', 30 * 60_000, null, 'open'],
      ['c', null, null, 'open'],
    ]);
    expect(report.firstResponse).toEqual({ count: 2, medianMs: 20 * 60_000, averageMs: 20 * 60_000 });
    expect(report.resolution).toEqual({ count: 1, medianMs: 41 * 60_000, averageMs: 41 * 60_000 });
  });

  it('takes each conversation’s latest rating', () => {
    const { conversations, messagesOf } = seeded();
    const report = buildReport(conversations, messagesOf, 30, now);
    expect(report.conversations.find((c) => c.id === 'a')!.rating).toEqual({ score: 5, comment: 'great' });
    expect(report.ratings).toEqual({ count: 1, average: 5, scores: [0, 0, 0, 0, 1] });
    expect(report.conversations.map((c) => c.id)).toEqual(['old', 'a', 'b', 'c']);
  });

  it('a conversation reopened after closing is open again and has no resolution time', () => {
    const { conversations, messagesOf } = seeded();
    const reopened = conversations.map((c) => (c.id === 'a' ? { ...c, lastSeq: c.lastSeq + 1 } : c));
    expect(buildReport(reopened, messagesOf, 7, now).conversations[0]).toMatchObject({ id: 'a', state: 'open', resolutionMs: null });
  });
});
