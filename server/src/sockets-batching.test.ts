import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { parseRelayFrame, type RelayFrame, type StoredEnvelope } from '@threadline/sdk/protocol';
import { createRelay, type Relay } from './index.ts';
import { device as deviceKeys } from './test-relay.ts';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
let relay: Relay;
let base: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-batching-test-'));
  relay = await createRelay({ dataDir, sweepIntervalMs: 3_600_000 });
  await relay.store.createSite('shop', 'Shop');
  base = `127.0.0.1:${(await relay.listen(0, '127.0.0.1')).port}`;
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A socket said hello with `token`, collecting the frames it receives as the SDK parses them. */
async function open(token: string): Promise<{ socket: WebSocket; frames: RelayFrame[] }> {
  const socket = new WebSocket(`ws://${base}/v1/socket`);
  const frames: RelayFrame[] = [];
  socket.on('message', (data) => frames.push(parseRelayFrame(String(data))));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'hello', token }));
  await vi.waitFor(() => expect(frames).toEqual([{ type: 'welcome', role: 'visitor' }]));
  frames.length = 0;
  return { socket, frames };
}

describe('relay socket under a burst of messages', () => {
  it('commits a burst in shared transactions, acks each in order after the commit, forwards each stored envelope once, in sequence, and syncs the same', async () => {
    const device = deviceKeys();
    const response = await fetch(`http://${base}/v1/sites/shop/visitors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device, retention: '7d' }) });
    const { conversationId, token, expiresAt } = (await response.json()) as { conversationId: string; token: string; expiresAt: number };
    const sender = await open(token);
    const otherTab = await open(token);
    const batches: number[] = [];
    const appendBatch = relay.store.appendBatch.bind(relay.store);
    const spy = vi.spyOn(relay.store, 'appendBatch').mockImplementation((envelopes) => {
      batches.push(envelopes.length);
      return appendBatch(envelopes);
    });

    // 40 sends in one go; every fifth one repeats an earlier client id (a resend).
    const ids = Array.from({ length: 40 }, (_, i) => (i % 5 === 4 ? `m${i - 4}` : `m${i}`));
    const envelopes = new Map(ids.map((id) => [id, { v: 2, conversationId, id, from: 'visitor', device: device.id, expiresAt, iv: b64(12), ct: b64(200), keys: [] }]));
    for (const id of ids) sender.socket.send(JSON.stringify({ type: 'send', envelope: envelopes.get(id) }));

    await vi.waitFor(() => expect(sender.frames).toHaveLength(40));
    spy.mockRestore();
    const unique = [...new Set(ids)];
    const seqOf = new Map(unique.map((id, i) => [id, i + 1]));
    expect(sender.frames).toEqual(ids.map((id) => ({ type: 'ack', conversationId, id, seq: seqOf.get(id), at: expect.any(Number) })));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(40);
    expect(Math.max(...batches)).toBeGreaterThan(1); // frames read together share a commit

    await vi.waitFor(() => expect(otherTab.frames).toHaveLength(unique.length));
    const forwarded = otherTab.frames.map((frame) => (frame as { envelope: StoredEnvelope }).envelope);
    expect(forwarded.map((e) => [e.id, e.seq])).toEqual(unique.map((id) => [id, seqOf.get(id)]));
    expect(forwarded[3]).toEqual({ ...envelopes.get(unique[3]!), seq: 4, at: expect.any(Number) });
    expect(await relay.store.since(conversationId, 0)).toEqual(forwarded);

    // A reconnecting tab catches up with the same envelopes, sent from the stored text.
    const reconnected = await open(token);
    reconnected.socket.send(JSON.stringify({ type: 'sync', conversationId, since: 0 }));
    await vi.waitFor(() => expect(reconnected.frames.at(-1)).toEqual({ type: 'synced', conversationId, seq: unique.length }));
    expect(reconnected.frames.slice(0, -1)).toEqual(forwarded.map((envelope) => ({ type: 'message', envelope })));
    reconnected.socket.close();
    sender.socket.close();
    otherTab.socket.close();
  });
});
