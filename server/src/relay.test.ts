import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { DeviceKeys, Directory } from '@threadline/sdk/protocol';
import { createRelay, type Relay } from './index.ts';
import { b64, device, envelope, openSocket } from './test-relay.ts';

let relay: Relay;
let base: string;
let dataDir: string;
let clock = Date.now();
const org = generateKeyPairSync('ed25519');
const orgKey = (org.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('base64url');
let version = 1;

function signDirectory(devices: Directory['devices']) {
  const directory: Directory = { v: 2, site: 'shop', version: version++, issuedAt: clock, orgKey, inboxKey: b64(32), devices };
  const text = JSON.stringify(directory);
  return { directory: text, signature: sign(null, Buffer.from(text), org.privateKey).toString('base64url') };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-relay-test-'));
  relay = await createRelay({ dataDir, maxBlobBytes: 1024, now: () => clock, sweepIntervalMs: 3_600_000 });
  await relay.store.createSite('shop', 'Shop');
  await relay.store.setOrgKey('shop', orgKey);
  const first = signDirectory([]);
  await relay.store.setDirectory('shop', first, 1, []);
  const { port } = await relay.listen(0, '127.0.0.1');
  base = `127.0.0.1:${port}`;
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const http = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`http://${base}${path}`, {
    ...init,
    headers: { ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
  });

async function register(retention = '7d'): Promise<{ conversationId: string; token: string; expiresAt: number; device: DeviceKeys }> {
  const visitor = device();
  const response = await http('/v1/sites/shop/visitors', { method: 'POST', body: JSON.stringify({ device: visitor, retention }) });
  expect(response.status).toBe(200);
  return { ...(await response.json()), device: visitor };
}

async function agentSession(): Promise<{ token: string; agentId: string }> {
  const agentId = await relay.store.createAgent({ site: 'shop', email: `a${b64(6)}@shop.test`, name: 'A', role: 'admin', salt: b64(16), iterations: 1, authKey: b64(32) });
  return { agentId, token: await relay.store.issueToken('agent', agentId) };
}

const connect = () => openSocket(base);

describe('relay socket', () => {
  it('answers malformed frames with typed errors and stays up', async () => {
    const client = await connect();
    const cases: [unknown, string][] = [
      ['not json', 'bad_frame'],
      [{ type: 'sync', conversationId: 'c', since: 0 }, 'unauthorized'],
      [{ type: 'nope' }, 'bad_frame'],
      [{ type: 'send', envelope: { v: 2 } }, 'bad_frame'],
      ['x'.repeat(70 * 1024), 'too_large'],
    ];
    for (const [frame, code] of cases) {
      client.send(frame);
      const answer = await client.next();
      expect(answer).toMatchObject({ type: 'error', code });
      expect((answer as { message: string }).message).toMatch(/^Threadline: failed to /);
    }
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'bad_frame' });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    const health = await http('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    client.socket.close();
  });

  it('closes a socket whose token is unknown', async () => {
    const client = await connect();
    client.send({ type: 'hello', token: 'forged-token' });
    expect(await client.closed).toBe(4401);
  });

  it('numbers envelopes per conversation, acks idempotently and resumes from a sequence number', async () => {
    const visitor = await register();
    const client = await connect();
    client.send({ type: 'hello', token: visitor.token });
    expect(await client.next()).toEqual({ type: 'welcome', role: 'visitor' });
    const sender = { device: visitor.device.id, expiresAt: visitor.expiresAt };

    client.send({ type: 'send', envelope: envelope(visitor.conversationId, 'm1', sender) });
    expect(await client.next()).toMatchObject({ type: 'ack', id: 'm1', seq: 1 });
    client.send({ type: 'send', envelope: envelope(visitor.conversationId, 'm2', sender) });
    expect(await client.next()).toMatchObject({ type: 'ack', id: 'm2', seq: 2 });
    client.send({ type: 'send', envelope: envelope(visitor.conversationId, 'm1', sender) });
    expect(await client.next()).toMatchObject({ type: 'ack', id: 'm1', seq: 1 });

    client.send({ type: 'sync', conversationId: visitor.conversationId, since: 1 });
    expect(await client.next()).toMatchObject({ type: 'message', envelope: { id: 'm2', seq: 2, ct: 'Y2lwaGVydGV4dA' } });
    expect(await client.next()).toEqual({ type: 'synced', conversationId: visitor.conversationId, seq: 2 });
    client.socket.close();
  });

  it('refuses another visitor’s conversation, another device, a changed expiry and a visitor posing as an agent', async () => {
    const mine = await register();
    const theirs = await register();
    const client = await connect();
    client.send({ type: 'hello', token: mine.token });
    await client.next();
    const me = { device: mine.device.id, expiresAt: mine.expiresAt };
    const refusals: [unknown, string][] = [
      [envelope(theirs.conversationId, 'x1', me), 'forbidden'],
      [envelope(mine.conversationId, 'x2', { ...me, from: 'agent' }), 'forbidden'],
      [envelope(mine.conversationId, 'x3', { ...me, device: theirs.device.id }), 'forbidden'],
      [envelope(mine.conversationId, 'x4', { ...me, expiresAt: mine.expiresAt + 86_400_000 }), 'bad_frame'],
    ];
    for (const [frame, code] of refusals) {
      client.send({ type: 'send', envelope: frame });
      expect(await client.next()).toMatchObject({ type: 'error', code });
    }
    client.send({ type: 'sync', conversationId: theirs.conversationId, since: 0 });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await relay.store.since(theirs.conversationId, 0)).toHaveLength(0);
    expect(await relay.store.since(mine.conversationId, 0)).toHaveLength(0);
    client.socket.close();
  });
});

describe('typing and read receipts', () => {
  it('forwards typing to the other side without storing it, and keeps read positions monotonic', async () => {
    const visitor = await register();
    const client = await connect();
    client.send({ type: 'hello', token: visitor.token });
    await client.next();
    client.send({ type: 'send', envelope: envelope(visitor.conversationId, 'r1', { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
    await client.next();
    expect(await relay.store.markRead(visitor.conversationId, 'agent', 1)).toBe(1);
    expect(await relay.store.markRead(visitor.conversationId, 'agent', 0)).toBe(1);
    expect(await relay.store.markRead(visitor.conversationId, 'agent', 99)).toBe(1); // never past the last message
    client.send({ type: 'typing', conversationId: visitor.conversationId });
    client.send({ type: 'sync', conversationId: visitor.conversationId, since: 1 });
    expect(await client.next()).toEqual({ type: 'synced', conversationId: visitor.conversationId, seq: 1 });
    expect(await client.next()).toEqual({ type: 'read', conversationId: visitor.conversationId, role: 'agent', seq: 1 });
    expect(await relay.store.since(visitor.conversationId, 0)).toHaveLength(1);
    client.socket.close();
  });
});

describe('devices and the signed directory', () => {
  it('approves a device through a signed directory, hands out its prekeys once each, and revokes it', async () => {
    const { token, agentId } = await agentSession();
    const laptop = device();
    const prekeys = [1, 2].map((id) => ({ id, publicKey: b64(32) }));
    const registered = await http('/v1/agent/devices', { method: 'POST', token, body: JSON.stringify({ device: laptop, oneTimePrekeys: prekeys, name: 'Laptop' }) });
    expect(await registered.json()).toMatchObject({ status: 'pending', prekeys: 2 });

    const visitor = await register();
    expect((await http(`/v1/sites/shop/devices/${laptop.id}/bundle`, { token: visitor.token })).status).toBe(404); // not approved yet
    expect((await http('/v1/agent/conversations', { token })).status).toBe(403); // a pending device sees no conversation
    const pending = await connect();
    pending.send({ type: 'hello', token });
    expect(await pending.next()).toEqual({ type: 'welcome', role: 'agent' });
    pending.send({ type: 'sync', conversationId: visitor.conversationId, since: 0 });
    expect(await pending.next()).toMatchObject({ type: 'error', code: 'forbidden' });
    pending.socket.close();

    const forged = { ...signDirectory([{ id: laptop.id, agent: 'a', identityKey: laptop.identityKey, signingKey: laptop.signingKey }]), signature: b64(64) };
    expect((await http('/v1/agent/directory', { method: 'PUT', token, body: JSON.stringify(forged) })).status).toBe(409);
    const approval = signDirectory([{ id: laptop.id, agent: 'a', identityKey: laptop.identityKey, signingKey: laptop.signingKey }]);
    expect((await http('/v1/agent/directory', { method: 'PUT', token, body: JSON.stringify(approval) })).status).toBe(200);
    expect((await http('/v1/agent/directory', { method: 'PUT', token, body: JSON.stringify(approval) })).status).toBe(409); // not newer
    expect((await http('/v1/agent/conversations', { token })).status).toBe(200);

    const bundles = [];
    for (let i = 0; i < 3; i++) bundles.push(await (await http(`/v1/sites/shop/devices/${laptop.id}/bundle`, { token: visitor.token })).json());
    expect(bundles.map((b) => b.oneTimePrekey?.id)).toEqual([1, 2, undefined]);
    expect(bundles[2]).toMatchObject({ id: laptop.id, signedPrekey: laptop.signedPrekey });

    const socket = await connect();
    socket.send({ type: 'hello', token });
    expect(await socket.next()).toEqual({ type: 'welcome', role: 'agent' });
    const revocation = signDirectory([]);
    expect((await http('/v1/agent/directory', { method: 'PUT', token, body: JSON.stringify(revocation) })).status).toBe(200);
    expect(await socket.closed).toBe(4403);
    expect((await http('/v1/agent/devices', { token })).status).toBe(401);
    // Signing in again gives a session, but not this device's access to conversations.
    const again = await relay.store.issueToken('agent', agentId);
    expect((await http('/v1/agent/conversations', { token: again })).status).toBe(403);
    expect((await relay.store.devices('shop')).find((d) => d.id === laptop.id)?.status).toBe('revoked');
  });
});

describe('attachments and retention', () => {
  it('stores encrypted blobs for members only, refuses oversized ones with 413, and sweeps expired conversations', async () => {
    const visitor = await register('24h');
    const other = await register('1y');
    const path = `/v1/conversations/${visitor.conversationId}/blobs/b1`;
    const put = (token: string, size: number, id = 'b1') =>
      http(`/v1/conversations/${visitor.conversationId}/blobs/${id}`, { method: 'PUT', token, body: new Uint8Array(size), headers: { 'content-type': 'application/octet-stream' } });
    expect((await put(visitor.token, 512)).status).toBe(200);
    expect((await put(other.token, 10, 'b2')).status).toBe(403);
    const tooLarge = await put(visitor.token, 2048, 'b3');
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).error.message).toMatch(/over the limit/);
    const download = await http(path, { token: visitor.token });
    expect((await download.arrayBuffer()).byteLength).toBe(512);

    const blobDir = join(dataDir, 'blobs', visitor.conversationId);
    expect(readdirSync(blobDir)).toEqual(['b1']);
    clock += 25 * 3600_000;
    expect(await relay.sweep()).toBeGreaterThanOrEqual(1);
    expect(existsSync(blobDir)).toBe(false);
    expect(await relay.store.conversation(visitor.conversationId)).toBeUndefined();
    expect(await relay.store.conversation(other.conversationId)).toBeDefined();
    expect((await http(path, { token: visitor.token })).status).toBe(401);
  });
});

describe('relay HTTP', () => {
  it('limits how fast one session fetches prekey bundles (429 with Retry-After)', async () => {
    const visitor = await register();
    const statuses: number[] = [];
    for (let i = 0; i < 62; i++) statuses.push((await http('/v1/sites/shop/devices/nobody/bundle', { token: visitor.token })).status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(60);
    const limited = await http('/v1/sites/shop/devices/nobody/bundle', { token: visitor.token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { message: expect.stringMatching(/^Threadline: failed to reach the business: too many requests/) } });
  });

  it('rejects bad bodies with typed errors', async () => {
    const post = (body: string, type = 'application/json') => http('/v1/sites/shop/visitors', { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('{')).status).toBe(400);
    expect((await post('{"device":{"id":"x"}}')).status).toBe(400);
    expect((await post(JSON.stringify({ device: device(), retention: 'forever' }))).status).toBe(400);
    // Keys its signing key does not vouch for: no client would talk to that device, so nothing is registered.
    const unbound = device();
    const forged = await post(JSON.stringify({ device: { ...unbound, identityKey: device().identityKey } }));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toEqual({ error: { code: 'bad_frame', message: 'Threadline: failed to register the visitor: its signed prekey is not signed by its signing key. Register the keys the device made, unchanged.' } });
    expect((await post('hello', 'text/plain')).status).toBe(415);
    expect((await post(JSON.stringify({ device: device(), pad: 'A'.repeat(70_000) }))).status).toBe(413);
    const missing = await http('/v1/sites/unknown/config');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringMatching(/^Threadline: failed to/) } });
    expect((await http('/v1/agent/conversations')).status).toBe(401);
  });
});
