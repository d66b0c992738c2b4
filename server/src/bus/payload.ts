/**
 * A delivery as PostgreSQL NOTIFY carries it. The payload must be shorter than 8000 bytes (the
 * server's default; see NOTIFY in the PostgreSQL docs): a stored message whose frame does not fit
 * travels as a reference (conversation id and sequence number), and each relay reads the envelope
 * from the store.
 */
import { BusError, type Delivery } from './bus.ts';

export const MAX_PAYLOAD_BYTES = 7999;

/** A stored message named by its sequence number instead of carried. */
export type Reference = Omit<Extract<Delivery, { kind: 'conversation' }>, 'frame'> & { seq: number };

export interface Payload {
  /** The relay that published it. */
  node: string;
  /** The publisher's number for it, so the publisher knows when its own hub has it. */
  id?: number;
  delivery: Delivery | Reference;
}

export function encode(payload: Payload): string {
  const text = JSON.stringify(payload);
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_PAYLOAD_BYTES) return text;
  const { delivery } = payload;
  if (delivery.kind === 'conversation' && 'frame' in delivery && delivery.seq !== undefined) {
    const { frame: _, ...reference } = delivery;
    return JSON.stringify({ ...payload, delivery: reference });
  }
  throw new BusError(`Threadline: failed to publish a ${delivery.kind} delivery: it is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES + 1}-byte NOTIFY limit. Only stored messages may be larger (they travel by reference).`);
}

const KINDS = new Set<Delivery['kind'] | undefined>(['conversation', 'agents', 'site', 'revoke', 'approve', 'close']);

/** Reads a payload; throws BusError for anything this relay did not write (another version, another program). */
export function decode(text: string): Payload {
  const payload = parse(text);
  if (typeof payload?.node !== 'string' || !KINDS.has(payload.delivery?.kind)) {
    throw new BusError(`Threadline: failed to read a bus notification: ${JSON.stringify(text.slice(0, 80))} is not a delivery. Run relays of one version on one database.`);
  }
  return payload as Payload;
}

function parse(text: string): Partial<Payload> | undefined {
  try {
    return JSON.parse(text) as Partial<Payload> | undefined;
  } catch {
    return undefined;
  }
}

export const isReference = (delivery: Delivery | Reference): delivery is Reference => delivery.kind === 'conversation' && !('frame' in delivery);
