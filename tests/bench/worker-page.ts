/**
 * Runs in the benchmark page: drives two real crypto workers (a visitor and an admin agent) through
 * comlink, exactly as the SDK does, and times 1 KB messages against raw AES-GCM in the same page.
 */
import { startWorker } from '../../sdk/src/worker-client.ts';
import type { Result } from '../../sdk/src/crypto/service.ts';
import type { StoredEnvelope } from '../../sdk/src/protocol.ts';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

async function time(rounds: number, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await run(-1 - i);
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await run(i);
  return ((performance.now() - start) * 1000) / rounds;
}

export async function benchmark(rounds: number): Promise<Record<string, number>> {
  const url = '/widget/crypto-worker.js';
  const agent = startWorker(url);
  const visitor = startWorker(url);
  const agentInfo = value(await agent.open(`bench/${Math.random()}`, 'bench', 'agent'));
  value(await agent.unlock('pw', 'c2FsdHNhbHRzYWx0c2FsdA', 1000));
  const { directory } = value(await agent.createOrg('A'));
  value(await agent.trust(directory));
  const visitorInfo = value(await visitor.open(`bench/${Math.random()}`, 'bench', 'visitor'));
  const { directory: trusted } = value(await visitor.trust(directory));
  await agent.addVisitor(visitorInfo.device);
  const meta = (id: string) => ({ conversationId: 'c', id, expiresAt: 2_000_000_000_000 });
  const to = [{ deviceId: agentInfo.device.id, bundle: { ...agentInfo.device, oneTimePrekey: agentInfo.oneTimePrekeys[0]! } }];
  value(await agent.decrypt({ ...value(await visitor.encrypt(meta('first'), { text: 'hi' }, to, trusted.inboxKey)), seq: 1, at: 1 }));

  const payload = crypto.getRandomValues(new Uint8Array(1024));
  const text = btoa(String.fromCharCode(...payload)).slice(0, 1024);
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealedRaw = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, payload);

  const rawEncrypt = await time(rounds, () => crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, key, payload));
  const rawDecrypt = await time(rounds, () => crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealedRaw));
  const roundTrip = await time(rounds, () => agent.needBundles([]));
  const sealed: StoredEnvelope[] = [];
  const encrypt = await time(rounds, async (i) => {
    const envelope = value(await visitor.encrypt(meta(`m${i}`), { text }, [{ deviceId: agentInfo.device.id }], trusted.inboxKey));
    if (i >= 0) sealed.push({ ...envelope, seq: i + 2, at: i });
    else value(await agent.decrypt({ ...envelope, seq: 1_000_000 - i, at: 0 }));
  });
  let next = 0;
  const decrypt = await time(rounds, async (i) => (i >= 0 ? value(await agent.decrypt(sealed[next++]!)) : undefined));
  return { rawEncrypt, rawDecrypt, workerRoundTrip: roundTrip, encrypt, decrypt };
}
