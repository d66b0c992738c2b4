/**
 * A relay that stretches a conversation's life: in its answer to the visitor's registration, or in
 * the conversation it describes to agents (whose replies then carry the later expiry). The
 * visitor's choice is the bound: a reply bound to another expiry than the visitor's shows as
 * unreadable, flagged. (Its browser deletes the conversation by its own clock: sdk/src/crypto/expiry.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSummary, StoredEnvelope } from '../../sdk/src/protocol.ts';
import { ADMIN, startHostileRelay, until, type ClientSocket, type HostileRelay } from './harness.ts';

const MONTH = 30 * 24 * 3600_000;
let hostile: HostileRelay;
beforeAll(async () => void (hostile = await startHostileRelay()));
afterAll(() => hostile.stop());

describe('a relay stretching a conversation’s expiry', { timeout: 60_000 }, () => {
  it('cannot stretch it through the agents: their replies bound to another expiry are flagged', async () => {
    // The relay tells agents the conversation lives a month longer, stores their replies (bound to
    // that expiry) and delivers them to the visitor.
    let visitorToken: string | undefined;
    let visitorSocket: ClientSocket | undefined;
    const stretch = (c: ConversationSummary) => ({ ...c, expiresAt: c.expiresAt + MONTH });
    hostile.hooks.http = (path, body) => {
      if (path.endsWith('/visitors')) visitorToken = (body as { token: string }).token;
      return path === '/v1/agent/conversations' ? { conversations: (body as { conversations: ConversationSummary[] }).conversations.map(stretch) } : body;
    };
    hostile.hooks.frame = (frame) => (frame.type === 'conversation' ? { ...frame, conversation: stretch(frame.conversation) } : frame);
    hostile.hooks.client = (frame, socket) => {
      if (frame.type === 'hello' && frame.token === visitorToken) visitorSocket = socket;
      const envelope = frame.envelope as StoredEnvelope | undefined;
      if (frame.type !== 'send' || envelope?.from !== 'agent') return frame;
      visitorSocket!.send({ type: 'message', envelope: { ...envelope, seq: 50, at: Date.now() } });
      return null;
    };

    const visitor = hostile.visitor();
    await visitor.send('hello', { retention: '24h' });
    const admin = hostile.agent();
    await admin.signIn(ADMIN.email, ADMIN.password);
    const withHello = () => admin.conversations.value.find((c) => admin.messages(c.id).value.some((m) => m.text === 'hello'));
    const conversationId = (await until(withHello, Boolean, 'the visitor’s conversation at the agent'))!.id;
    await admin.reply(conversationId, 'kept for a month');
    const [reply] = await until(() => visitor.messages.value.filter((m) => m.from === 'agent'), (list) => list.length === 1, 'the reply at the visitor');
    expect(reply).toMatchObject({ status: 'unreadable', text: '' });
    expect(reply!.problem).toBe('its expiry was changed');

    hostile.hooks.http = (_, body) => body;
    hostile.hooks.frame = (frame) => frame;
    hostile.hooks.client = (frame) => frame;
    await admin.signOut();
  });
});
