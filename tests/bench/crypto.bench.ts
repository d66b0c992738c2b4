/**
 * Crypto hot path, measured against raw AES-GCM of the same bytes in the same run (the machine is
 * shared and noisy, so only the ratio is meaningful). Budget: ≤ 3× raw AES-GCM per 1 KB message.
 * Runs the worker's code in Node's WebCrypto; the browser benchmark comes with the benchmark suite.
 */
import 'fake-indexeddb/auto';
import { writeFileSync } from 'node:fs';
import { CryptoService } from '../../sdk/src/crypto/service.ts';
import { randomBytes, toBase64Url } from '../../sdk/src/crypto/encoding.ts';

const ROUNDS = 5_000;
const payload = randomBytes(1024);

async function time(label: string, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await run(); // warm-up
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) await run();
  const perOp = ((performance.now() - start) * 1000) / ROUNDS;
  console.log(`${label.padEnd(34)} ${perOp.toFixed(1).padStart(8)} µs/op`);
  return perOp;
}

const rawKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
const iv = randomBytes(12);
const rawCt = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, rawKey, payload);

const agent = new CryptoService();
const salt = toBase64Url(randomBytes(16));
await agent.unlock('bench', salt, 1_000);
const backup = await agent.createInboxKey('bench');
if (!backup.ok) throw new Error(backup.reason);
const visitor = new CryptoService();
const visitorKey = await visitor.visitorIdentity('bench');
if (!visitorKey.ok) throw new Error(visitorKey.reason);
await visitor.openConversation('c', backup.value.publicKey);
await agent.openConversation('c', visitorKey.value);
const sealed = await visitor.encrypt('c', 'm', payload);
if (!sealed.ok) throw new Error(sealed.reason);

console.log(`Crypto, 1 KB messages, ${ROUNDS} rounds (Node ${process.version})`);
const rawEncrypt = await time('raw AES-GCM encrypt (baseline)', () => crypto.subtle.encrypt({ name: 'AES-GCM', iv: randomBytes(12) }, rawKey, payload));
const rawDecrypt = await time('raw AES-GCM decrypt (baseline)', () => crypto.subtle.decrypt({ name: 'AES-GCM', iv }, rawKey, rawCt));
const encrypt = await time('Threadline encrypt', () => visitor.encrypt('c', 'm', payload));
const decrypt = await time('Threadline decrypt', () => agent.decrypt(sealed.value));
const ratios = { encrypt: encrypt / rawEncrypt, decrypt: decrypt / rawDecrypt };
console.log(`ratio encrypt ${ratios.encrypt.toFixed(2)}×, decrypt ${ratios.decrypt.toFixed(2)}× (budget ≤ 3×)`);
writeFileSync(new URL('./report.json', import.meta.url), JSON.stringify({ crypto: { rawEncrypt, rawDecrypt, encrypt, decrypt, ratios } }, null, 2));
