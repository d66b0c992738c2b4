/**
 * A relay that drops, reorders, duplicates and replays frames: each message still shows once, in
 * the relay's order, with the text its sender wrote — and a dropped one comes back (a gap in the
 * sequence numbers makes the client ask for what it missed). Nothing else breaks: both sides go on
 * sending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayFrame, StoredEnvelope } from '../../sdk/src/protocol.ts';
import { ADMIN, startHostileRelay, until, type HostileRelay } from './harness.ts';

let hostile: HostileRelay;
beforeAll(async () => void (hostile = await startHostileRelay()));
afterAll(() => hostile.stop());

const isMessage = (frame: RelayFrame): frame is { type: 'message'; envelope: StoredEnvelope } => frame.type === 'message';

describe('a relay that drops, reorders, duplicates and replays frames', { timeout: 60_000 }, () => {
  it('shows each reply once, in order, the dropped one included, and both sides keep sending', async () => {
    const admin = hostile.agent();
    await admin.signIn(ADMIN.email, ADMIN.password);
    const visitor = hostile.visitor();
    await visitor.send('hello');
    const conversationId = (await until(() => admin.conversations.value, (list) => list.length > 0, 'the conversation in the inbox'))[0]!.id;
    await until(() => admin.messages(conversationId).value, (list) => list.some((m) => m.text === 'hello'), 'the first message at the agent');

    // On the visitor's socket: the 2nd reply is dropped, the 3rd doubled, the 4th held back until
    // after the 5th, and the 1st replayed at the end (as it was, and under a later sequence number).
    let replies = 0;
    let held: RelayFrame | undefined;
    let first: StoredEnvelope | undefined;
    hostile.hooks.frame = (frame, _raw, socket) => {
      if (!isMessage(frame) || frame.envelope.from !== 'agent') return frame;
      replies++;
      if (replies === 1) first = frame.envelope;
      if (replies === 2) return null;
      if (replies === 3) socket.send(frame);
      if (replies === 4) return ((held = frame), null);
      if (replies === 5) {
        socket.send(frame);
        return held!;
      }
      if (replies === 6) {
        socket.send(frame);
        socket.send({ type: 'message', envelope: first! });
        return { type: 'message', envelope: { ...first!, seq: first!.seq + 100 } };
      }
      return frame;
    };
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const text of texts) await admin.reply(conversationId, text);

    const shown = await until(() => visitor.messages.value.filter((m) => m.from === 'agent'), (list) => list.length >= 6 && list.every((m) => m.status === 'sent'), 'six replies at the visitor');
    expect(shown.map((m) => m.text)).toEqual(texts);
    expect(new Set(shown.map((m) => m.seq)).size).toBe(6);
    expect(visitor.messages.value.filter((m) => m.text === 'one')).toHaveLength(1);

    hostile.hooks.frame = (frame) => frame;
    await visitor.send('still here');
    await until(() => admin.messages(conversationId).value, (list) => list.some((m) => m.text === 'still here' && m.status === 'sent'), 'the visitor’s next message at the agent');
    await admin.reply(conversationId, 'seven');
    await until(() => visitor.messages.value, (list) => list.some((m) => m.text === 'seven' && m.status === 'sent'), 'the next reply at the visitor');
    expect(visitor.messages.value.filter((m) => m.from === 'agent').map((m) => m.text)).toEqual([...texts, 'seven']);
    expect(visitor.error.value).toBeNull();
    await admin.signOut();
  });
});
