/**
 * A message for several devices: the body is encrypted once under a random content key, and that
 * key is sent down the sender's session with each recipient device — and, when given, sealed to the
 * organisation's inbox key so agent devices enrolled later can read the history.
 * Everything is bound to the message's metadata, including the conversation's expiry.
 */
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './encoding.ts';
import { headerFromWire, headerToWire, SessionError, type Device, type WireHeader } from './device.ts';
import { aesGcmDecrypt, aesGcmEncrypt, concat, generateX25519, hkdf, publicBytes, sign, verify, x25519, type Bytes } from './primitives.ts';
import type { PrekeyBundle } from './x3dh.ts';

export interface MessageMeta {
  conversationId: string;
  id: string;
  from: 'visitor' | 'agent';
  /** The sending device. */
  device: string;
  /** When the conversation expires (ms since the epoch); bound so the relay cannot extend it. */
  expiresAt: number;
  /** `agents` for an internal note; bound so the relay cannot turn a reply into a note or back. */
  audience?: 'agents' | undefined;
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
  sealed?: { to: string; epk: string; iv: string; k: string }[];
  sig?: string;
}

/** What the sender signs: the metadata, the body and the inbox copy. */
const signed = (context: Bytes, body: SealedBody) => concat(context, utf8(`\n${body.iv}\n${body.ct}\n${body.inbox?.epk}\n${body.inbox?.iv}\n${body.inbox?.k}`));

export interface Recipient {
  deviceId: string;
  /** Needed only when there is no session with the device yet. */
  bundle?: PrekeyBundle;
  /** The keys the device's owner published (directory, conversation): a bundle must match them. */
  trusted?: { identity: Bytes; signing: Bytes };
}

export const metaBytes = (m: MessageMeta): Bytes =>
  utf8(`threadline/2\n${m.conversationId}\n${m.id}\n${m.from}\n${m.device}\n${m.expiresAt}${m.audience ? `\n${m.audience}` : ''}`);

export async function sealMessage(device: Device, meta: MessageMeta, plaintext: Bytes, recipients: Recipient[], inboxKey?: Bytes): Promise<SealedBody> {
  const contentKey = randomBytes(32);
  const iv = randomBytes(12);
  const context = metaBytes(meta);
  const body: SealedBody = { iv: toBase64Url(iv), ct: toBase64Url(await aesGcmEncrypt(contentKey, iv, plaintext, context)), keys: [] };
  for (const { deviceId, bundle, trusted } of recipients) {
    const { header, ciphertext } = await device.encrypt(deviceId, contentKey, context, bundle, trusted);
    body.keys.push({ to: deviceId, h: headerToWire(header), k: toBase64Url(ciphertext) });
  }
  if (inboxKey) {
    body.inbox = await sealToInbox(contentKey, inboxKey, context);
    body.sig = toBase64Url(await sign(device.keys.signing.keyPair.privateKey, signed(context, body)));
  }
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
 * Sealed copies of the content key, to an X25519 public key: the organisation's inbox key (every
 * message) or a device's identity key (messages the relay seals for a messenger conversation).
 * A sender derives one sealing key per recipient key from an ephemeral X25519 key and reuses it
 * (random nonces) for as long as it runs, so each copy costs one AES operation; readers cache per
 * ephemeral key.
 */
type SealKind = 'inbox' | 'device';
const sealers = new Map<string, Promise<{ epk: Bytes; key: CryptoKey }>>();
const openers = new Map<string, Promise<CryptoKey>>();

function cached<T>(cache: Map<string, Promise<T>>, id: string, make: () => Promise<T>): Promise<T> {
  let found = cache.get(id);
  if (!found) {
    found = make();
    found.catch(() => cache.delete(id));
    cache.set(id, found);
  }
  return found;
}

async function sealingKey(kind: SealKind, shared: Bytes, epk: Bytes, recipient: Bytes): Promise<CryptoKey> {
  const bytes = await hkdf(shared, concat(epk, recipient), utf8(`threadline/2 ${kind} seal`), 32);
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function sealTo(kind: SealKind, recipient: Bytes, contentKey: Bytes, context: Bytes): Promise<{ epk: string; iv: string; k: string }> {
  const { epk, key } = await cached(sealers, `${kind}/${toBase64Url(recipient)}`, async () => {
    const ephemeral = await generateX25519();
    const epk = await publicBytes(ephemeral.publicKey);
    return { epk, key: await sealingKey(kind, await x25519(ephemeral.privateKey, recipient), epk, recipient) };
  });
  const iv = randomBytes(12);
  return { epk: toBase64Url(epk), iv: toBase64Url(iv), k: toBase64Url(await aesGcmEncrypt(key, iv, contentKey, context)) };
}

export async function openSealed(kind: SealKind, own: CryptoKeyPair, sealed: { epk: string; iv: string; k: string }, context: Bytes): Promise<Bytes> {
  const ownPublic = await publicBytes(own.publicKey);
  const key = await cached(openers, `${kind}/${sealed.epk}/${toBase64Url(ownPublic)}`, async () => {
    const epk = fromBase64Url(sealed.epk);
    return sealingKey(kind, await x25519(own.privateKey, epk), epk, ownPublic);
  }).catch(() => Promise.reject(new SessionError('decrypt_failed', 'the sealed copy’s key is invalid')));
  return decryptOrThrow(key, fromBase64Url(sealed.iv), fromBase64Url(sealed.k), context);
}

const sealToInbox = (contentKey: Bytes, inbox: Bytes, context: Bytes) => sealTo('inbox', inbox, contentKey, context);

/**
 * Opens the inbox copy with the organisation's inbox private key. Anyone can seal to the public
 * inbox key, so the copy counts only with the sender device's signature (`signingKey`); the relay's
 * messenger messages, which carry none, are opened with `signingKey` null and marked as such.
 */
export async function openFromInbox(inbox: CryptoKeyPair, meta: MessageMeta, body: SealedBody, signingKey: Bytes | null): Promise<Bytes> {
  if (!body.inbox) throw new SessionError('no_session', 'the message carries no inbox copy');
  const context = metaBytes(meta);
  if (signingKey && !(body.sig && (await verify(signingKey, fromBase64Url(body.sig), signed(context, body))))) {
    throw new SessionError('untrusted', 'the inbox copy is not signed by the device it claims to come from');
  }
  return openBody(await openSealed('inbox', inbox, body.inbox, context), body, context);
}

/** Opens a copy the relay sealed to this device's identity key (messenger conversations). */
export async function openSealedForDevice(deviceId: string, identity: CryptoKeyPair, meta: MessageMeta, body: SealedBody): Promise<Bytes> {
  const entry = body.sealed?.find((s) => s.to === deviceId);
  if (!entry) throw new SessionError('no_session', 'the message carries no copy for this device');
  const context = metaBytes(meta);
  return openBody(await openSealed('device', identity, entry, context), body, context);
}

/**
 * Seals a message for several identity keys and the inbox key, without sessions: what the relay
 * does with a message that arrived in plaintext from a messenger (it never stores that plaintext).
 */
export async function sealWithoutSessions(meta: MessageMeta, plaintext: Bytes, devices: { deviceId: string; identityKey: Bytes }[], inboxKey: Bytes): Promise<SealedBody & { sealed: { to: string; epk: string; iv: string; k: string }[] }> {
  const contentKey = randomBytes(32);
  const iv = randomBytes(12);
  const context = metaBytes(meta);
  const sealed = [];
  for (const { deviceId, identityKey } of devices) sealed.push({ to: deviceId, ...(await sealTo('device', identityKey, contentKey, context)) });
  return { iv: toBase64Url(iv), ct: toBase64Url(await aesGcmEncrypt(contentKey, iv, plaintext, context)), keys: [], inbox: await sealToInbox(contentKey, inboxKey, context), sealed };
}

const openBody = (contentKey: Bytes, body: SealedBody, context: Bytes) => decryptOrThrow(contentKey, fromBase64Url(body.iv), fromBase64Url(body.ct), context);

async function decryptOrThrow(key: Bytes | CryptoKey, iv: Bytes, ciphertext: Bytes, ad: Bytes): Promise<Bytes> {
  try {
    return await aesGcmDecrypt(key, iv, ciphertext, ad);
  } catch {
    throw new SessionError('decrypt_failed', 'the message was altered or its metadata changed');
  }
}
