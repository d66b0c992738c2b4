/**
 * Message encryption, first scheme: X25519 between the visitor's key and the organisation's inbox
 * key, HKDF-SHA256 to a per-conversation AES-256-GCM key, a random 96-bit nonce per message, and
 * associated data that binds the protocol version, the conversation, the sender and the message id.
 * The relay therefore cannot read a message, move it to another thread, or pass a visitor's message
 * off as the agent's. (The Double Ratchet replaces the key schedule; the envelope keeps its shape.)
 */
import type { Envelope } from '../protocol.ts';
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './encoding.ts';

const subtle = () => crypto.subtle;
const KEY_INFO = utf8('threadline/1 conversation key');

export const generateIdentity = (): Promise<CryptoKeyPair> =>
  subtle().generateKey({ name: 'X25519' }, false, ['deriveBits']) as Promise<CryptoKeyPair>;

export async function exportPublicKey(key: CryptoKey): Promise<string> {
  return toBase64Url(new Uint8Array(await subtle().exportKey('raw', key)));
}

export async function deriveConversationKey(
  ownPrivate: CryptoKey,
  peerPublic: string,
  conversationId: string,
): Promise<CryptoKey> {
  const peer = await subtle().importKey('raw', fromBase64Url(peerPublic), { name: 'X25519' }, true, []);
  const shared = await subtle().deriveBits({ name: 'X25519', public: peer }, ownPrivate, 256);
  const ikm = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8(conversationId), info: KEY_INFO },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

type Header = Pick<Envelope, 'conversationId' | 'from' | 'id'>;

export const associatedData = ({ conversationId, from, id }: Header): Uint8Array<ArrayBuffer> =>
  utf8(`threadline/1\n${conversationId}\n${from}\n${id}`);

export async function seal(key: CryptoKey, header: Header, plaintext: Uint8Array<ArrayBuffer>): Promise<Envelope> {
  const iv = randomBytes(12);
  const ct = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: associatedData(header) },
    key,
    plaintext,
  );
  return { v: 1, ...header, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

/** Rejects (OperationError) when the ciphertext, nonce or any bound field was altered. */
export async function open(key: CryptoKey, envelope: Envelope): Promise<Uint8Array> {
  const plaintext = await subtle().decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(envelope.iv), additionalData: associatedData(envelope) },
    key,
    fromBase64Url(envelope.ct),
  );
  return new Uint8Array(plaintext);
}
