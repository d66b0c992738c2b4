import { describe, expect, it } from 'vitest';
import { BusError, type Delivery } from './bus.ts';
import { decode, encode, isReference, MAX_PAYLOAD_BYTES } from './payload.ts';

const message = (frame: string): Delivery => ({ kind: 'conversation', site: 'shop', conversationId: 'c1', frame, seq: 7, except: 'n.1' });

describe('bus payloads (NOTIFY: under 8000 bytes)', () => {
  it('carries a delivery that fits, whole', () => {
    const text = encode({ node: 'n', id: 3, delivery: message('{"type":"message"}') });
    expect(decode(text)).toEqual({ node: 'n', id: 3, delivery: message('{"type":"message"}') });
  });

  it('names a stored message too large to carry by its sequence number, counting bytes rather than characters', () => {
    const frame = `{"ct":"${'é'.repeat(4000)}"}`; // 4000 characters, 8000 bytes
    const text = encode({ node: 'n', delivery: message(frame) });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const { delivery } = decode(text);
    expect(isReference(delivery)).toBe(true);
    expect(delivery).toEqual({ kind: 'conversation', site: 'shop', conversationId: 'c1', seq: 7, except: 'n.1' });
  });

  it('refuses any other delivery too large to carry, and reads nothing but a delivery', () => {
    expect(() => encode({ node: 'n', delivery: { kind: 'site', site: 'shop', frame: 'x'.repeat(MAX_PAYLOAD_BYTES) } })).toThrow(BusError);
    for (const text of ['', 'null', '{"node":"n","delivery":{"kind":"drop"}}', '{"delivery":{"kind":"site"}}']) expect(() => decode(text)).toThrow(BusError);
  });
});
