import { describe as group, expect, it } from 'vitest';
import type { ChatMessage, ConversationSummary } from '@threadline/sdk/agent';
import { alreadySeen, describe, newArrivals } from './arrivals.ts';

const conversation = (id: string, mergedInto: string | null = null) => ({ id, mergedInto }) as ConversationSummary;
const message = (id: string, at: number, from: 'visitor' | 'agent' = 'visitor', extra: Partial<ChatMessage> = {}): ChatMessage => ({ id, from, at, text: `text ${id}`, status: 'sent', seq: at, ...extra });

group('newArrivals', () => {
  it('reports the customer’s messages that arrived after the start, each once', () => {
    const threads: Record<string, ChatMessage[]> = { a: [message('old', 50), message('m1', 150), message('reply', 160, 'agent')], b: [] };
    const seen = new Set<string>();
    const first = newArrivals([conversation('a'), conversation('b')], (id) => threads[id]!, seen, 100);
    expect(first.map((a) => [a.message.id, a.first])).toEqual([['m1', false]]);
    threads.b = [message('b1', 200), message('b2', 210)];
    const second = newArrivals([conversation('a'), conversation('b')], (id) => threads[id]!, seen, 100);
    expect(second.map((a) => [a.conversationId, a.message.id, a.first])).toEqual([
      ['b', 'b1', true],
      ['b', 'b2', false],
    ]);
    expect(newArrivals([conversation('a'), conversation('b')], (id) => threads[id]!, seen, 100)).toEqual([]);
  });

  it('leaves out messages still sending, unreadable ones and handoff markers, and points a merged conversation to its target', () => {
    const threads = { m: [message('s', 200, 'visitor', { status: 'sending' }), message('u', 201, 'visitor', { status: 'unreadable' }), message('h', 202, 'visitor', { handoff: 'whatsapp' }), message('ok', 203)] };
    const arrivals = newArrivals([conversation('m', 'target')], (id) => threads[id as 'm'], new Set(), 0);
    expect(arrivals.map((a) => [a.conversationId, a.message.id, a.first])).toEqual([['target', 'ok', false]]); // the unreadable one began it
  });
});

group('alreadySeen', () => {
  const arrival = { conversationId: 'a', message: message('x', 1), first: false };
  it('holds only while the tab is visible and the conversation is on screen', () => {
    expect(alreadySeen(arrival, true, 'a')).toBe(true);
    expect(alreadySeen(arrival, false, 'a')).toBe(false);
    expect(alreadySeen(arrival, true, 'b')).toBe(false);
    expect(alreadySeen(arrival, true, null)).toBe(false);
  });
});

group('describe', () => {
  it('names a new conversation, shortens long text, and words files and ratings', () => {
    expect(describe({ conversationId: 'a', message: message('x', 1), first: true }, 'Ana')).toEqual({ title: 'New conversation: Ana', body: 'text x' });
    expect(describe({ conversationId: 'a', message: message('x', 1, 'visitor', { text: 'y'.repeat(200) }), first: false }, 'Ana').body).toHaveLength(140);
    expect(describe({ conversationId: 'a', message: message('x', 1, 'visitor', { text: '', rating: { score: 4 } }), first: false }, 'Ana')).toEqual({ title: 'Ana', body: 'Rated the conversation 4 of 5' });
  });
});
