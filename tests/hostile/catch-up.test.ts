/**
 * A console signing in to a busy inbox: the relay answers each socket's frames in order, so a
 * console that asked to catch up every conversation at once would wait behind all of them before
 * its first reply reached the relay (a slow or hostile relay makes that wait as long as it likes).
 * The console catches conversations up one at a time, the one on screen first, and a reply goes
 * out at once whatever is still waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayFrame } from '../../sdk/src/protocol.ts';
import { ADMIN, startHostileRelay, until, type ClientSocket, type HostileRelay } from './harness.ts';

let hostile: HostileRelay;
beforeAll(async () => void (hostile = await startHostileRelay()));
afterAll(() => hostile.stop());

const CONVERSATIONS = 6;

describe('a console catching up a busy inbox', { timeout: 60_000 }, () => {
  it('resyncs one conversation at a time, the one on screen next, and a reply does not wait for them', async () => {
    // Six customers, each with a conversation of three messages (one client, new keys each time).
    const visitor = hostile.visitor();
    for (let i = 0; i < CONVERSATIONS; i++) {
      for (const n of [1, 2, 3]) await visitor.send(`customer ${i} says ${n}`);
      await until(() => visitor.messages.value, (list) => list.every((m) => m.status === 'sent'), `customer ${i}’s messages stored`);
      await visitor.forget();
    }

    // A new console device of the admin (the only socket from here on): what it asks, what it is
    // answered. The answer to its first resync is held back until its reply has gone and come back.
    const asked: { type: string; conversationId?: unknown }[] = [];
    const unanswered = new Set<unknown>();
    let mostUnanswered = 0;
    let held: { frame: RelayFrame; socket: ClientSocket } | undefined;
    hostile.hooks.client = (frame) => {
      asked.push(frame);
      if (frame.type === 'sync') mostUnanswered = Math.max(mostUnanswered, unanswered.add(frame.conversationId).size);
      return frame;
    };
    hostile.hooks.frame = (frame, _raw, socket) => {
      if (frame.type !== 'synced') return frame;
      if (!held) return ((held = { frame, socket }), null);
      unanswered.delete(frame.conversationId);
      return frame;
    };

    const agent = hostile.agent('b');
    await agent.signIn(ADMIN.email, ADMIN.password);
    const listed = await until(() => agent.conversations.value, (list) => list.length === CONVERSATIONS, 'every conversation listed');
    await until(() => held, Boolean, 'the first resync answered');
    const first = (held!.frame as { conversationId: string }).conversationId;
    // The agent opens another conversation, the oldest, and answers it: the reply goes and is
    // acknowledged while the first resync is still unanswered.
    const shown = listed.filter((c) => c.id !== first).reduce((a, b) => (a.createdAt < b.createdAt ? a : b));
    agent.show(shown.id);
    expect((await agent.reply(shown.id, 'on it')).text).toBe('on it');
    await until(() => agent.messages(shown.id).value.find((m) => m.text === 'on it'), (reply) => reply?.status === 'sent', 'the reply acknowledged');
    // Meanwhile only the shown conversation was asked for (its reply's sequence number said what it lacks).
    expect(new Set(asked.filter((frame) => frame.type === 'sync').map((frame) => frame.conversationId))).toEqual(new Set([first, shown.id]));

    unanswered.delete(first);
    held!.socket.send(held!.frame);
    await until(() => listed.map((c) => agent.messages(c.id).value.filter((m) => m.from === 'visitor').length), (counts) => counts.every((n) => n === 3), 'every conversation caught up');
    const syncs = asked.filter((frame) => frame.type === 'sync').map((frame) => frame.conversationId);
    expect(new Set(syncs)).toEqual(new Set(listed.map((c) => c.id)));
    // After the first resync's answer, the others went one at a time.
    expect(mostUnanswered).toBe(2);
    await agent.signOut();
  });
});
