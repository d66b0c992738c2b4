import { describe, expect, it } from 'vitest';
import type { ChatMessage, ConversationSummary } from '@threadline/sdk/agent';
import { MessageIndex } from './search-index.ts';

const conversation = (id: string, mergedInto: string | null = null) => ({ id, mergedInto }) as ConversationSummary;
let seq = 0;
const message = (id: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({ id, from: 'visitor', at: 1000 + ++seq, seq, text, status: 'sent', ...extra });

describe('MessageIndex', () => {
  it('finds messages by every word, the last as a prefix, with the matched words', () => {
    const index = new MessageIndex();
    const threads: Record<string, ChatMessage[]> = {
      a: [message('a1', 'My parcel arrived broken'), message('a2', 'Can I get a refund?', { from: 'agent' }), message('a3', 'Refund approved by finance', { from: 'agent', audience: 'agents' })],
      b: [message('b1', 'Where is my parcel?')],
    };
    index.update([conversation('a'), conversation('b')], (id) => threads[id]!);
    expect(index.search('parcel').map((hit) => hit.messageId).sort()).toEqual(['a1', 'b1']);
    expect(index.search('parcel bro').map((hit) => [hit.messageId, hit.conversationId, hit.terms.sort()])).toEqual([['a1', 'a', ['broken', 'parcel']]]);
    expect(index.search('refund get')[0]).toMatchObject({ messageId: 'a2', from: 'agent', note: false, text: 'Can I get a refund?' });
    // The team's internal notes are found too, as notes.
    expect(index.search('finance')).toMatchObject([{ messageId: 'a3', from: 'agent', note: true }]);
    expect(index.search('   ')).toEqual([]);
  });

  it('follows new messages, merges and conversations that ended; leaves out what has no text', () => {
    const index = new MessageIndex();
    const threads: Record<string, ChatMessage[]> = { a: [message('a1', 'invoice please')], b: [message('b1', 'invoice again'), message('s', 'invoice sending', { seq: undefined, status: 'sending' }), message('u', '', { status: 'unreadable' })] };
    index.update([conversation('a'), conversation('b')], (id) => threads[id]!);
    expect(index.size).toBe(2);
    index.update([conversation('a'), conversation('b', 'a')], (id) => threads[id]!);
    expect(index.search('invoice').map((hit) => hit.conversationId)).toEqual(['a', 'a']);
    threads.a!.push(message('a2', 'the invoice number is 42'));
    index.update([conversation('a')], (id) => threads[id]!);
    expect(index.search('invoice').map((hit) => hit.messageId).sort()).toEqual(['a1', 'a2']);
  });

  it('finds a file by its name and a rating by its comment', () => {
    const index = new MessageIndex();
    const file = { blob: 'x', name: 'receipt-march.pdf', type: 'application/pdf', size: 1, key: 'k', hash: 'h' };
    index.update([conversation('a')], () => [message('f', '', { file }), message('r', '', { rating: { score: 5, comment: 'wonderful service' } })]);
    expect(index.search('receipt')[0]?.messageId).toBe('f');
    expect(index.search('wonderful')[0]?.messageId).toBe('r');
  });
});
