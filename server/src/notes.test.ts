/**
 * Internal notes on the relay: an agent's envelope for `agents` is stored in the conversation and
 * delivered to the site's agents, never to the visitor's sockets, live or when the visitor catches
 * up (whose `synced` still covers the note's number, so the visitor sees no hole and asks nothing
 * again); a visitor cannot write one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RelayFrame } from '@threadline/sdk/protocol';
import { device, envelope, startTestRelay, type TestRelay, type TestSocket } from './test-relay.ts';

let t: TestRelay;
beforeAll(async () => (t = await startTestRelay()));
afterAll(() => t.stop());

/** Two agents of the site with approved devices, each signed in on a socket. */
async function team(): Promise<{ id: string; token: string; socket: TestSocket }[]> {
  const admin = await t.agentSession('admin');
  const members = [];
  for (const name of ['Ada', 'Kim']) {
    const agent = await t.agentSession('member');
    const laptop = device();
    await t.http('/v1/agent/devices', { method: 'POST', token: agent.token, body: JSON.stringify({ device: laptop, oneTimePrekeys: [], name }) });
    members.push({ token: agent.token, id: laptop.id, entry: { id: laptop.id, agent: name, identityKey: laptop.identityKey, signingKey: laptop.signingKey } });
  }
  expect((await t.http('/v1/agent/directory', { method: 'PUT', token: admin.token, body: JSON.stringify(t.signDirectory(members.map((m) => m.entry))) })).status).toBe(200);
  return Promise.all(
    members.map(async ({ token, id }) => {
      const socket = await t.connect();
      socket.send({ type: 'hello', token });
      expect(await socket.next()).toEqual({ type: 'welcome', role: 'agent' });
      return { id, token, socket };
    }),
  );
}

async function visitorOnline() {
  const visitor = await t.register('7d');
  const socket = await t.connect();
  socket.send({ type: 'hello', token: visitor.token });
  expect(await socket.next()).toEqual({ type: 'welcome', role: 'visitor' });
  return { ...visitor, socket };
}

/** The next frame about messages (not the announcements of the team's directory or of new conversations). */
async function nextFrame(socket: TestSocket): Promise<RelayFrame> {
  for (;;) {
    const frame = await socket.next();
    if (frame.type !== 'directory' && frame.type !== 'conversation') return frame;
  }
}

it('stores a note in the conversation for the agents, and the visitor never receives it, live or on catching up', async () => {
  const [ada, kim] = await team();
  const visitor = await visitorOnline();
  const from = (agent: { id: string }) => ({ device: agent.id, expiresAt: visitor.expiresAt, from: 'agent' });

  ada!.socket.send({ type: 'send', envelope: { ...envelope(visitor.conversationId, 'note-1', from(ada!)), audience: 'agents' } });
  expect(await nextFrame(ada!.socket)).toMatchObject({ type: 'ack', id: 'note-1', seq: 1 });
  expect(await nextFrame(kim!.socket)).toMatchObject({ type: 'message', envelope: { id: 'note-1', seq: 1, audience: 'agents' } });
  ada!.socket.send({ type: 'send', envelope: envelope(visitor.conversationId, 'reply-2', from(ada!)) });
  expect(await nextFrame(ada!.socket)).toMatchObject({ type: 'ack', id: 'reply-2', seq: 2 });
  // The reply is the first thing the visitor is sent: the note went to the agents only.
  expect(await nextFrame(visitor.socket)).toMatchObject({ type: 'message', envelope: { id: 'reply-2', seq: 2 } });
  expect(await nextFrame(kim!.socket)).toMatchObject({ type: 'message', envelope: { id: 'reply-2', seq: 2 } });

  visitor.socket.send({ type: 'sync', conversationId: visitor.conversationId, since: 0 });
  expect(await nextFrame(visitor.socket)).toMatchObject({ type: 'message', envelope: { id: 'reply-2', seq: 2 } });
  expect(await nextFrame(visitor.socket)).toEqual({ type: 'synced', conversationId: visitor.conversationId, seq: 2 });

  // A note after the visitor's last message: catching up still ends at it, so nothing is asked again.
  ada!.socket.send({ type: 'send', envelope: { ...envelope(visitor.conversationId, 'note-3', from(ada!)), audience: 'agents' } });
  expect(await nextFrame(ada!.socket)).toMatchObject({ type: 'ack', id: 'note-3', seq: 3 });
  expect(await nextFrame(kim!.socket)).toMatchObject({ type: 'message', envelope: { id: 'note-3', seq: 3, audience: 'agents' } });
  visitor.socket.send({ type: 'sync', conversationId: visitor.conversationId, since: 2 });
  expect(await nextFrame(visitor.socket)).toEqual({ type: 'synced', conversationId: visitor.conversationId, seq: 3 });

  kim!.socket.send({ type: 'sync', conversationId: visitor.conversationId, since: 0 });
  const ids = [];
  for (let frame = await nextFrame(kim!.socket); frame.type !== 'synced'; frame = await nextFrame(kim!.socket)) if (frame.type === 'message') ids.push(frame.envelope.id);
  expect(ids).toEqual(['note-1', 'reply-2', 'note-3']);
  for (const socket of [ada!.socket, kim!.socket, visitor.socket]) socket.socket.close();
});

it('leaves a closed conversation closed, and tells the agents so', async () => {
  const [ada, kim] = await team();
  const visitor = await visitorOnline();
  const from = { device: ada!.id, expiresAt: visitor.expiresAt, from: 'agent' };
  ada!.socket.send({ type: 'send', envelope: envelope(visitor.conversationId, 'answer', from) });
  expect(await nextFrame(ada!.socket)).toMatchObject({ type: 'ack', seq: 1 });
  expect(await nextFrame(kim!.socket)).toMatchObject({ type: 'message', envelope: { id: 'answer' } });
  const closed = await t.http(`/v1/agent/conversations/${visitor.conversationId}/status`, { method: 'PUT', token: ada!.token, body: JSON.stringify({ status: 'closed' }) });
  expect(closed.status).toBe(200);
  expect(await kim!.socket.next()).toMatchObject({ type: 'conversation', conversation: { status: { state: 'closed', seq: 1 } } });

  ada!.socket.send({ type: 'send', envelope: { ...envelope(visitor.conversationId, 'note', from), audience: 'agents' } });
  expect(await kim!.socket.next()).toMatchObject({ type: 'message', envelope: { id: 'note', seq: 2 } });
  expect(await kim!.socket.next()).toMatchObject({ type: 'conversation', conversation: { lastSeq: 2, status: { state: 'closed', seq: 2 } } });
  for (const socket of [ada!.socket, kim!.socket, visitor.socket]) socket.socket.close();
});

it('refuses a note from a visitor, storing nothing', async () => {
  const visitor = await visitorOnline();
  visitor.socket.send({ type: 'send', envelope: { ...envelope(visitor.conversationId, 'sneaky', { device: visitor.device.id, expiresAt: visitor.expiresAt }), audience: 'agents' } });
  const refusal = await visitor.socket.next();
  expect(refusal).toEqual({ type: 'error', code: 'forbidden', id: 'sneaky', message: 'Threadline: failed to send the message: only agents write internal notes. Send it without an audience.' });
  expect(await t.relay.store.since(visitor.conversationId, 0)).toEqual([]);
  visitor.socket.socket.close();
});
