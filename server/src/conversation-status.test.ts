/**
 * Closing and snoozing a conversation: the relay keeps what an agent decided and at which message,
 * tells every agent of the site, and a later message or the snooze's end reopens it (workState).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseRelayFrame, type ConversationSummary, type Envelope } from '@threadline/sdk/protocol';
import { workState } from '@threadline/sdk/agent';
import { envelope, startTestRelay, type TestRelay } from './test-relay.ts';

let t: TestRelay;
beforeAll(async () => (t = await startTestRelay()));
afterAll(() => t.stop());

/** The visitor's next message, stored as the relay stores any. */
const visitorWrites = async (visitor: { conversationId: string; expiresAt: number; device: { id: string } }, id: string) =>
  await t.relay.store.append(envelope(visitor.conversationId, id, { device: visitor.device.id, expiresAt: visitor.expiresAt }) as Envelope);

const setStatus = (token: string, id: string, body: unknown) => t.http(`/v1/agent/conversations/${id}/status`, { method: 'PUT', token, body: JSON.stringify(body) });

it('closes a conversation until the customer writes again, and tells the other agents', async () => {
  const agent = await t.approvedAgent();
  const visitor = await t.register('7d');
  visitorWrites(visitor, 'm1');
  const other = await t.connect();
  other.send({ type: 'hello', token: agent.token });
  expect(await other.next()).toEqual({ type: 'welcome', role: 'agent' });

  const closed = await setStatus(agent.token, visitor.conversationId, { status: 'closed' });
  expect(closed.status).toBe(200);
  const summary = (await closed.json()).conversation as ConversationSummary;
  expect(summary.status).toEqual({ state: 'closed', seq: 1, until: null });
  expect(workState(summary, t.clock.now)).toBe('closed');
  const frame = parseRelayFrame(JSON.stringify(await other.next()));
  expect(frame).toMatchObject({ type: 'conversation', conversation: { id: visitor.conversationId, status: { state: 'closed', seq: 1 } } });

  visitorWrites(visitor, 'm2');
  expect(workState((await t.relay.store.conversation(visitor.conversationId))!, t.clock.now)).toBe('open');
  other.socket.close();
});

it('snoozes until a time in the future only, reopens by hand, and refuses another site’s conversation', async () => {
  const agent = await t.approvedAgent();
  const visitor = await t.register('7d');
  const until = t.clock.now + 3600_000;
  expect((await setStatus(agent.token, visitor.conversationId, { status: 'snoozed', until: t.clock.now - 1 })).status).toBe(400);
  const missing = await setStatus(agent.token, visitor.conversationId, { status: 'snoozed' });
  expect((await missing.json()).error.message).toBe('Threadline: failed to change the conversation’s status: a snooze needs a time in the future. Send `until` as milliseconds since 1970, later than now.');
  expect((await setStatus(agent.token, visitor.conversationId, { status: 'snoozed', until })).status).toBe(200);
  const snoozed = (await t.relay.store.conversation(visitor.conversationId))!;
  expect(workState(snoozed, t.clock.now)).toBe('snoozed');
  expect(workState(snoozed, until)).toBe('open');
  expect((await setStatus(agent.token, visitor.conversationId, { status: 'open' })).status).toBe(200);
  expect((await t.relay.store.conversation(visitor.conversationId))!.status).toBeNull();

  if (!await t.relay.store.site('elsewhere')) await t.relay.store.createSite('elsewhere', 'Elsewhere');
  const foreign = await t.relay.store.createConversation('elsewhere', null, t.clock.now + 86_400_000);
  expect((await setStatus(agent.token, foreign.id, { status: 'closed' })).status).toBe(404);
  expect((await t.relay.store.conversation(foreign.id))!.status).toBeNull();
  expect((await setStatus(visitor.token, visitor.conversationId, { status: 'closed' })).status).toBe(401);
});

it('assigns a conversation to an agent of the team or to nobody, never to another site’s agent', async () => {
  const agent = await t.approvedAgent();
  const visitor = await t.register('7d');
  const team = (await (await t.http('/v1/agent/team', { token: agent.token })).json()).team as { id: string; role: string }[];
  expect(team.find((member) => member.id === agent.agentId)).toMatchObject({ role: 'member' });
  const assign = (to: string | null) => t.http(`/v1/agent/conversations/${visitor.conversationId}/assignee`, { method: 'PUT', token: agent.token, body: JSON.stringify({ agent: to }) });

  const mine = await assign(agent.agentId);
  expect(mine.status).toBe(200);
  expect((await mine.json()).conversation.assignee).toBe(agent.agentId);
  expect((await t.relay.store.conversation(visitor.conversationId))!.assignee).toBe(agent.agentId);

  if (!await t.relay.store.site('elsewhere')) await t.relay.store.createSite('elsewhere', 'Elsewhere');
  const stranger = await t.relay.store.createAgent({ site: 'elsewhere', email: 'x@elsewhere.test', name: 'X', role: 'admin', salt: 'c2FsdHNhbHRzYWx0c2FsdA', iterations: 1, authKey: 'A'.repeat(43) });
  const refused = await assign(stranger);
  expect(refused.status).toBe(400);
  expect((await refused.json()).error.message).toBe(`Threadline: failed to assign the conversation: '${stranger}' is not an agent of your team. Pick someone from the team list.`);
  expect((await t.relay.store.conversation(visitor.conversationId))!.assignee).toBe(agent.agentId);

  expect((await assign(null)).status).toBe(200);
  expect((await t.relay.store.conversation(visitor.conversationId))!.assignee).toBeNull();
});
