/**
 * Crypto hot paths, each against a baseline measured in the same run (the machine is shared and
 * noisy, so ratios are what count):
 *  - one 1 KB message, encrypt and decrypt through the worker's service (ratchet step, content key,
 *    history at rest, state committed), against raw AES-256-GCM of the same bytes (budget ≤ 3×);
 *  - the X3DH handshake (start a session and open its first message);
 *  - attachments at 1 MB and 20 MB, in MB/s, against raw AES-GCM of the whole buffer.
 * Runs the worker's code on Node's WebCrypto with an in-memory IndexedDB (fake-indexeddb), so
 * storage costs differ from a browser's; the figures are a lower bound for the browser's.
 */
import 'fake-indexeddb/auto';
import { writeFileSync } from 'node:fs';
import { openFile, sealFile } from '../../sdk/src/crypto/attachments.ts';
import { Device } from '../../sdk/src/crypto/device.ts';
import { randomBytes, randomId, toBase64Url } from '../../sdk/src/crypto/encoding.ts';
import { openMessage, sealMessage } from '../../sdk/src/crypto/message.ts';
import { CryptoService, type Result } from '../../sdk/src/crypto/service.ts';
import type { PrekeyBundleWire, StoredEnvelope } from '../../sdk/src/protocol.ts';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

async function time(label: string, rounds: number, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, rounds); i++) await run(i);
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await run(i);
  const perOp = ((performance.now() - start) * 1000) / rounds;
  console.log(`  ${label.padEnd(44)} ${perOp.toFixed(1).padStart(9)} µs/op`);
  return perOp;
}

const report: Record<string, unknown> = { node: process.version, at: new Date().toISOString() };
const payload = randomBytes(1024);
const rawKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
const iv = randomBytes(12);
const rawCt = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, rawKey, payload);

// ---- 1 KB messages ----
const site = 'bench';
const agent = new CryptoService();
const agentInfo = value(await agent.open('bench/agent', site, 'agent'));
value(await agent.unlock('pw', toBase64Url(randomBytes(16)), 1000));
const { directory } = value(await agent.createOrg('A'));
value(await agent.trust(directory));
const visitor = new CryptoService();
const visitorInfo = value(await visitor.open('bench/visitor', site, 'visitor'));
const { directory: trusted } = value(await visitor.trust(directory));
agent.addVisitor(visitorInfo.device);
const bundle: PrekeyBundleWire = { ...agentInfo.device, oneTimePrekey: agentInfo.oneTimePrekeys[0]! };
const meta = (id: string) => ({ conversationId: 'c', id, expiresAt: 2_000_000_000_000 });
const first = value(await visitor.encrypt(meta('m0'), { text: 'hello' }, [{ deviceId: agentInfo.device.id, bundle }], trusted.inboxKey));
value(await agent.decrypt({ ...first, seq: 1, at: 1 }));

const ROUNDS = 2000;
console.log(`Crypto, 1 KB messages, ${ROUNDS} rounds (Node ${process.version})`);
const text = toBase64Url(payload).slice(0, 1024);
const rawEncrypt = await time('raw AES-256-GCM encrypt (baseline)', ROUNDS, () => crypto.subtle.encrypt({ name: 'AES-GCM', iv: randomBytes(12) }, rawKey, payload));
const rawDecrypt = await time('raw AES-256-GCM decrypt (baseline)', ROUNDS, () => crypto.subtle.decrypt({ name: 'AES-GCM', iv }, rawKey, rawCt));
const sealed: StoredEnvelope[] = [];
const encrypt = await time('Threadline encrypt (ratchet, 1 device + inbox)', ROUNDS, async () => {
  const i = sealed.length;
  sealed.push({ ...value(await visitor.encrypt(meta(`e${i}`), { text }, [{ deviceId: agentInfo.device.id }], trusted.inboxKey)), seq: i + 2, at: i });
});
let next = 0;
const decrypt = await time('Threadline decrypt (ratchet, history stored)', ROUNDS, async () => value(await agent.decrypt(sealed[next++]!)));
// The same, without the worker's storage: the session layer alone (what IndexedDB adds is the rest).
const alice = await Device.create('alice');
const bob = await Device.create('bob');
const sessionMeta = (id: string) => ({ conversationId: 'c', id, from: 'visitor' as const, device: 'alice', expiresAt: 1 });
await openMessage(bob, sessionMeta('s0'), await sealMessage(alice, sessionMeta('s0'), payload, [{ deviceId: 'bob', bundle: bob.bundle() }]));
const bodies: Awaited<ReturnType<typeof sealMessage>>[] = [];
const sessionEncrypt = await time('session layer only: encrypt (no storage)', ROUNDS, async () => {
  bodies.push(await sealMessage(alice, sessionMeta(`s${bodies.length}`), payload, [{ deviceId: 'bob' }]));
});
let opened = 0;
const sessionDecrypt = await time('session layer only: decrypt (no storage)', ROUNDS, async () => {
  const i = opened++;
  return openMessage(bob, sessionMeta(`s${i}`), bodies[i]!);
});
report.message = { sessionEncrypt, sessionDecrypt, rawEncrypt, rawDecrypt, encrypt, decrypt, ratioEncrypt: encrypt / rawEncrypt, ratioDecrypt: decrypt / rawDecrypt, budget: 3 };
console.log(`  ratio: encrypt ${(encrypt / rawEncrypt).toFixed(2)}×, decrypt ${(decrypt / rawDecrypt).toFixed(2)}× (budget ≤ 3×)`);

// ---- X3DH handshake ----
const responder = await Device.create('bob');
const prekeys = await responder.createOneTimePrekeys(250);
const handshake = await time('X3DH handshake + first message both ends', 200, async () => {
  const initiator = await Device.create(randomId());
  const m = { conversationId: 'c', id: randomId(), from: 'visitor' as const, device: initiator.id, expiresAt: 1 };
  const body = await sealMessage(initiator, m, payload, [{ deviceId: 'bob', bundle: responder.bundle(prekeys.pop()) }]);
  await openMessage(responder, m, body);
});
report.handshake = { microseconds: handshake };

// ---- attachments ----
for (const megabytes of [1, 20]) {
  const file = new Uint8Array(megabytes * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
  const rounds = megabytes === 1 ? 20 : 3;
  const raw = await time(`raw AES-GCM ${megabytes} MB (baseline)`, rounds, () => crypto.subtle.encrypt({ name: 'AES-GCM', iv }, rawKey, file));
  let last: Awaited<ReturnType<typeof sealFile>> | undefined;
  const seal = await time(`seal ${megabytes} MB (64 KiB chunks + SHA-256)`, rounds, async () => (last = await sealFile(file)));
  const open = await time(`open ${megabytes} MB (SHA-256 + chunks)`, rounds, () => openFile(last!.ciphertext, last!.key, last!.hash));
  const mbps = (us: number) => megabytes / (us / 1e6);
  console.log(`  ${megabytes} MB: seal ${mbps(seal).toFixed(0)} MB/s, open ${mbps(open).toFixed(0)} MB/s, raw ${mbps(raw).toFixed(0)} MB/s`);
  report[`attachment${megabytes}MB`] = { sealMBps: mbps(seal), openMBps: mbps(open), rawMBps: mbps(raw) };
}

writeFileSync(new URL('./report.json', import.meta.url), JSON.stringify(report, null, 2));
console.log('Report written to tests/bench/report.json');
