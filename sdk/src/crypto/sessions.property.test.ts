/**
 * Property test of the whole session layer: one visitor device and two agent devices exchange
 * 1,000 messages over a network that reorders, drops, duplicates and tampers. Every message that
 * arrives must open exactly once; replays and tampered copies must be refused without harming the
 * session; and the sessions must keep working at the end.
 */
import { describe, expect, it } from 'vitest';
import { Device, SessionError } from './device.ts';
import { randomId, utf8, fromUtf8, toBase64Url, fromBase64Url } from './encoding.ts';
import { openMessage, sealMessage, type MessageMeta, type SealedBody } from './message.ts';

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Packet {
  to: string;
  meta: MessageMeta;
  body: SealedBody;
  text: string;
}

const flipFirstByte = (b64: string) => {
  const bytes = fromBase64Url(b64);
  bytes[0]! ^= 1;
  return toBase64Url(bytes);
};

/** Ways a relay could alter a packet; each must be refused. */
const tamperings: ((p: Packet) => Packet)[] = [
  (p) => ({ ...p, body: { ...p.body, ct: flipFirstByte(p.body.ct) } }),
  (p) => ({ ...p, body: { ...p.body, iv: flipFirstByte(p.body.iv) } }),
  (p) => ({ ...p, body: { ...p.body, keys: p.body.keys.map((k) => ({ ...k, k: flipFirstByte(k.k) })) } }),
  (p) => ({ ...p, body: { ...p.body, keys: p.body.keys.map((k) => ({ ...k, h: { ...k.h, n: k.h.n + 1 } })) } }),
  (p) => ({ ...p, body: { ...p.body, keys: p.body.keys.map((k) => ({ ...k, h: { ...k.h, pn: k.h.pn + 3 } })) } }),
  (p) => ({ ...p, body: { ...p.body, keys: p.body.keys.map((k) => ({ ...k, h: { ...k.h, dh: flipFirstByte(k.h.dh) } })) } }),
  (p) => ({ ...p, meta: { ...p.meta, conversationId: 'another-thread' } }),
  (p) => ({ ...p, meta: { ...p.meta, expiresAt: p.meta.expiresAt + 86_400_000 } }),
  (p) => ({ ...p, meta: { ...p.meta, from: p.meta.from === 'agent' ? 'visitor' : 'agent' } }),
];

describe('sessions under a hostile network', () => {
  it('1 visitor and 2 agent devices exchange 1,000 messages with reordering, drops, duplicates and tampering', { timeout: 120_000 }, async () => {
    const random = prng(20261127);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const devices = await Promise.all(['visitor', 'agent-1', 'agent-2'].map((id) => Device.create(id)));
    const byId = new Map(devices.map((d) => [d.id, d]));
    // The relay's prekey directory: each bundle fetch takes a one-time prekey while any remain.
    const pools = new Map<string, { id: number; publicKey: Uint8Array<ArrayBuffer> }[]>();
    for (const d of devices) pools.set(d.id, await d.createOneTimePrekeys(3));
    const bundleOf = (id: string) => byId.get(id)!.bundle(pools.get(id)!.shift());

    const inFlight: Packet[] = [];
    const opened = new Map<string, number>(); // `${to}/${id}` → times opened
    const expected = new Set<string>(); // delivered at least once
    const counts = { sent: 0, deliveries: 0, duplicatesRefused: 0, tamperedRefused: 0, dropped: 0 };

    async function deliver(packet: Packet, honest: boolean) {
      const key = `${packet.to}/${packet.meta.id}`;
      const recipient = byId.get(packet.to)!;
      if (!honest) {
        await expect(openMessage(recipient, packet.meta, packet.body)).rejects.toBeInstanceOf(SessionError);
        counts.tamperedRefused++;
        return;
      }
      counts.deliveries++;
      expected.add(key);
      if (opened.has(key)) {
        // A replay in the current chain is named as such; one from an earlier chain simply fails to open.
        const refusal = await openMessage(recipient, packet.meta, packet.body).then(() => null, (error: SessionError) => error.code);
        expect(['duplicate', 'decrypt_failed']).toContain(refusal);
        counts.duplicatesRefused++;
        return;
      }
      const plaintext = await openMessage(recipient, packet.meta, packet.body);
      expect(fromUtf8(plaintext)).toBe(packet.text);
      opened.set(key, 1);
    }

    async function send(sender: Device, recipients: Device[]) {
      const meta: MessageMeta = { conversationId: 'c1', id: randomId(), from: sender.id === 'visitor' ? 'visitor' : 'agent', device: sender.id, expiresAt: 1_900_000_000_000 };
      const text = `message ${counts.sent} from ${sender.id}`;
      const targets = recipients.map((r) => ({ deviceId: r.id, ...(sender.hasSession(r.id) ? {} : { bundle: bundleOf(r.id) }) }));
      const body = await sealMessage(sender, meta, utf8(text), targets);
      counts.sent++;
      for (const r of recipients) {
        const packet = { to: r.id, meta, body: { ...body, keys: body.keys.filter((k) => k.to === r.id) }, text };
        const roll = random();
        if (roll < 0.05) counts.dropped++;
        else inFlight.push(packet, ...(roll > 0.95 ? [packet] : []));
      }
    }

    for (let i = 0; i < 1000; i++) {
      const sender = pick(devices);
      if (i === 500) await byId.get('visitor')!.rotateSignedPrekey();
      await send(sender, devices.filter((d) => d !== sender));
      // Deliver a random handful of what is in flight, in random order.
      const deliveries = Math.floor(random() * 4);
      for (let j = 0; j < deliveries && inFlight.length > 0; j++) {
        const [packet] = inFlight.splice(Math.floor(random() * inFlight.length), 1);
        if (random() < 0.03) await deliver(pick(tamperings)(packet!), false);
        await deliver(packet!, true);
      }
    }
    while (inFlight.length > 0) await deliver(inFlight.splice(Math.floor(random() * inFlight.length), 1)[0]!, true);

    // Every packet that arrived opened exactly once.
    for (const key of expected) expect(opened.get(key), key).toBe(1);
    expect(opened.size).toBe(expected.size);

    // The sessions still work in every direction.
    for (const sender of devices) {
      const before = inFlight.length;
      await send(sender, devices.filter((d) => d !== sender));
      for (const packet of inFlight.splice(before)) await deliver(packet, true);
    }
    for (const key of expected) expect(opened.get(key), key).toBe(1);

    expect(counts.sent).toBe(1003);
    expect(counts.duplicatesRefused).toBeGreaterThan(20);
    expect(counts.tamperedRefused).toBeGreaterThan(20);
    expect(counts.dropped).toBeGreaterThan(20);
    console.log('sessions property test:', counts);
  });
});
