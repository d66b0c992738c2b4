/**
 * A message for several devices: the body is encrypted once under a random content key, and that
 * key is sent down the sender's session with each recipient device — and, when given, sealed to the
 * organisation's inbox key so agent devices enrolled later can read the history.
 * Everything is bound to the message's metadata, including the conversation's expiry.
 */
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './encoding.ts';
import { headerFromWire, headerToWire, SessionError, type Device, type WireHeader } from './device.ts';
import { aesGcmDecrypt, aesGcmEncrypt, concat, generateX25519, hkdf, publicBytes, x25519, type Bytes } from './primitives.ts';
import type { PrekeyBundle } from './x3dh.ts';

export interface MessageMeta {
  conversationId: string;
  id: string;
  from: 'visitor' | 'agent';
  /** The sending device. */
  device: string;
  /** When the conversation expires (ms since the epoch); bound so the relay cannot extend it. */
  expiresAt: number;
}

export interface KeyEntry {
  to: string;
  h: WireHeader;
  k: string;
}

export interface SealedBody {
  iv: string;
  ct: string;
  keys: KeyEntry[];
  inbox?: { epk: string; iv: string; k: string };
}

export interface Recipient {
  deviceId: string;
  /** Needed only when there is no session with the device yet. */
  bundle?: PrekeyBundle;
  /** The identity key the device's owner published (directory, conversation): a bundle must match it. */
  identityKey?: Bytes;
}

const INBOX_INFO = utf8('threadline/2 inbox seal');
export const metaBytes = (m: MessageMeta): Bytes =>
  utf8(`threadline/2\n${m.conversationId}\n${m.id}\n${m.from}\n${m.device}\n${m.expiresAt}`);

export async function sealMessage(device: Device, meta: MessageMeta, plaintext: Bytes, recipients: Recipient[], inboxKey?: Bytes): Promise<SealedBody> {
  const contentKey = randomBytes(32);
  const iv = randomBytes(12);
  const context = metaBytes(meta);
  const body: SealedBody = { iv: toBase64Url(iv), ct: toBase64Url(await aesGcmEncrypt(contentKey, iv, plaintext, context)), keys: [] };
  for (const { deviceId, bundle, identityKey } of recipients) {
    const { header, ciphertext } = await device.encrypt(deviceId, contentKey, context, bundle, identityKey);
    body.keys.push({ to: deviceId, h: headerToWire(header), k: toBase64Url(ciphertext) });
  }
  if (inboxKey) body.inbox = await sealToInbox(contentKey, inboxKey, context);
  return body;
}

/** Opens the copy addressed to `device`; its session advances only if the body opens too. */
export async function openMessage(device: Device, meta: MessageMeta, body: SealedBody, senderIdentity?: Bytes): Promise<Bytes> {
  const entry = body.keys.find((k) => k.to === device.id);
  if (!entry) throw new SessionError('no_session', 'the message carries no key for this device');
  const context = metaBytes(meta);
  const { plaintext: contentKey, commit } = await device.decrypt(meta.device, headerFromWire(entry.h), fromBase64Url(entry.k), context, senderIdentity);
  const plaintext = await openBody(contentKey, body, context);
  commit();
  return plaintext;
}

/**
 * The inbox copy: the content key sealed to the organisation's inbox key. A sender derives one
 * sealing key per inbox key from an ephemeral X25519 key and reuses it (random nonces) for as long
 * as the worker runs, so each message costs one AES operation; readers cache per ephemeral key.
 */
const sealers = new Map<string, Promise<{ epk: Bytes; key: CryptoKey }>>();
const openers = new Map<string, Promise<CryptoKey>>();

async function inboxKey(shared: Bytes, epk: Bytes, inbox: Bytes): Promise<CryptoKey> {
  const bytes = await hkdf(shared, concat(epk, inbox), INBOX_INFO, 32);
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

function sealer(inbox: Bytes): Promise<{ epk: Bytes; key: CryptoKey }> {
  const id = toBase64Url(inbox);
  let found = sealers.get(id);
  if (!found) {
    found = (async () => {
      const ephemeral = await generateX25519();
      const epk = await publicBytes(ephemeral.publicKey);
      return { epk, key: await inboxKey(await x25519(ephemeral.privateKey, inbox), epk, inbox) };
    })();
    found.catch(() => sealers.delete(id));
    sealers.set(id, found);
  }
  return found;
}

async function sealToInbox(contentKey: Bytes, inbox: Bytes, context: Bytes): Promise<{ epk: string; iv: string; k: string }> {
  const { epk, key } = await sealer(inbox);
  const iv = randomBytes(12);
  return { epk: toBase64Url(epk), iv: toBase64Url(iv), k: toBase64Url(await aesGcmEncrypt(key, iv, contentKey, context)) };
}

/** Opens the inbox copy with the organisation's inbox private key. */
export async function openFromInbox(inbox: CryptoKeyPair, meta: MessageMeta, body: SealedBody): Promise<Bytes> {
  if (!body.inbox) throw new SessionError('no_session', 'the message carries no inbox copy');
  const { epk, iv, k } = body.inbox;
  let key = openers.get(epk);
  if (!key) {
    const ephemeral = fromBase64Url(epk);
    key = (async () => inboxKey(await x25519(inbox.privateKey, ephemeral), ephemeral, await publicBytes(inbox.publicKey)))();
    key.catch(() => openers.delete(epk));
    openers.set(epk, key);
  }
  const context = metaBytes(meta);
  const contentKey = await decryptOrThrow(await key.catch(() => Promise.reject(new SessionError('decrypt_failed', 'the inbox copy’s key is invalid'))), fromBase64Url(iv), fromBase64Url(k), context);
  return openBody(contentKey, body, context);
}

const openBody = (contentKey: Bytes, body: SealedBody, context: Bytes) => decryptOrThrow(contentKey, fromBase64Url(body.iv), fromBase64Url(body.ct), context);

async function decryptOrThrow(key: Bytes | CryptoKey, iv: Bytes, ciphertext: Bytes, ad: Bytes): Promise<Bytes> {
  try {
    return await aesGcmDecrypt(key, iv, ciphertext, ad);
  } catch {
    throw new SessionError('decrypt_failed', 'the message was altered or its metadata changed');
  }
}
