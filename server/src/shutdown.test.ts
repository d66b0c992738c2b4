import { EventEmitter } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { shutdownOnSignals } from './shutdown.ts';
import { openStorage } from './storage/index.ts';
import { envelope, startTestRelay, type TestRelay } from './test-relay.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let t: TestRelay;
afterEach(() => t.stop());

/** An attachment upload that sends its first bytes now and the rest when told: a request in flight. */
function slowUpload(conversationId: string, token: string) {
  const req = request(`http://${t.base}/v1/conversations/${conversationId}/blobs/b1`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' } });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write(Buffer.alloc(100, 1));
  return { answered, finish: () => req.end(Buffer.alloc(100, 2)), req };
}

const refused = (url: string) =>
  new Promise<string>((resolve) => {
    const socket = new WebSocket(url);
    socket.on('open', () => resolve('open'));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });

describe('graceful shutdown on SIGTERM', () => {
  it('stops accepting, tells sockets to reconnect (1012), finishes the request in flight, then closes the database cleanly', async () => {
    t = await startTestRelay({ drainMs: 10_000 });
    const visitor = await t.register('7d');
    const socket = await t.connect();
    socket.send({ type: 'hello', token: visitor.token });
    await socket.next();
    socket.send({ type: 'send', envelope: envelope(visitor.conversationId, 'm1', { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
    expect(await socket.next()).toMatchObject({ type: 'ack', seq: 1 });
    const anonymous = await t.connect();
    const upload = slowUpload(visitor.conversationId, visitor.token);
    await sleep(100);

    const signals = new EventEmitter();
    const exits: number[] = [];
    shutdownOnSignals(t.relay, signals, (code) => exits.push(code));
    signals.emit('SIGTERM');

    expect(await socket.closed).toBe(1012);
    expect(await anonymous.closed).toBe(1012);
    expect(await refused(`ws://${t.base}/v1/socket`)).toBe('ECONNREFUSED');
    await expect(fetch(`http://${t.base}/healthz`)).rejects.toThrow();
    expect(exits).toEqual([]); // still draining: the upload is in flight
    expect(t.relay.store.open).toBe(true);

    upload.finish();
    expect(await upload.answered).toBe(200);
    await t.relay.close();
    expect(exits).toEqual([0]);
    expect(t.relay.store.open).toBe(false);
    // Closed cleanly: the write-ahead log was checkpointed into the database file and removed.
    expect(existsSync(join(t.dataDir, 'threadline.sqlite-wal'))).toBe(false);
    const reopened = await openStorage({ dataDir: t.dataDir });
    expect((await reopened.since(visitor.conversationId, 0)).map((e) => e.id)).toEqual(['m1']);
    await reopened.close();
    expect(readdirSync(join(t.dataDir, 'blobs', visitor.conversationId))).toEqual(['b1']);
  });

  it('cuts what is still running after the drain deadline, keeping no partial upload; a second signal exits at once', async () => {
    t = await startTestRelay({ drainMs: 300 });
    const visitor = await t.register('7d');
    const upload = slowUpload(visitor.conversationId, visitor.token);
    const cut = upload.answered.catch((error: NodeJS.ErrnoException) => error.code);
    await sleep(100);
    const signals = new EventEmitter();
    const exits: number[] = [];
    shutdownOnSignals(t.relay, signals, (code) => exits.push(code));
    const started = Date.now();
    signals.emit('SIGINT');
    await t.relay.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(exits).toEqual([0]);
    expect(existsSync(join(t.dataDir, 'blobs', visitor.conversationId)) ? readdirSync(join(t.dataDir, 'blobs', visitor.conversationId)) : []).toEqual([]);
    expect(await cut).toBe('ECONNRESET');

    t = await startTestRelay();
    const again = new EventEmitter();
    const codes: number[] = [];
    shutdownOnSignals(t.relay, again, (code) => codes.push(code));
    again.emit('SIGTERM');
    again.emit('SIGTERM');
    expect(codes).toEqual([1]);
    await t.relay.close();
  });
});

describe('acknowledged = stored', () => {
  it('makes a message visible to another connection when its ack arrives', async () => {
    t = await startTestRelay();
    const visitor = await t.register('7d');
    const socket = await t.connect();
    socket.send({ type: 'hello', token: visitor.token });
    await socket.next();
    const reader = await openStorage({ dataDir: t.dataDir });
    for (let i = 1; i <= 20; i++) {
      socket.send({ type: 'send', envelope: envelope(visitor.conversationId, `m${i}`, { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
      expect(await socket.next()).toMatchObject({ type: 'ack', id: `m${i}`, seq: i });
      // A second connection sees only committed transactions.
      expect((await reader.since(visitor.conversationId, i - 1)).map((e) => e.id)).toEqual([`m${i}`]);
    }
    await reader.close();
    socket.socket.close();
  });
});
