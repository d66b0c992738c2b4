/**
 * The Double Ratchet (signal.org/docs, revision 1) with libsignal's key schedule:
 *   chain step      seed = HMAC-SHA256(CK, 0x01), CK' = HMAC-SHA256(CK, 0x02)
 *   message keys    HKDF(seed, info "WhisperMessageKeys", 80) = cipher key ‖ mac key ‖ iv;
 *                   Threadline uses AES-256-GCM with the cipher key and the first 12 bytes of iv
 *   root step       HKDF(salt RK, ikm X25519(ours, theirs), info "WhisperRatchet", 64) = RK' ‖ CK
 * so libsignal's published vectors check this code. Every function returns a new state and leaves
 * its input untouched: a message that fails to decrypt changes nothing.
 */
import { toBase64Url, utf8 } from './encoding.ts';
import { aesGcmDecrypt, aesGcmEncrypt, concat, equalBytes, generateX25519, hkdf, hmacSha256, publicBytes, x25519, type Bytes } from './primitives.ts';

/** Most message keys skipped in one chain (lost or reordered messages). */
export const MAX_SKIP = 1000;
/** Most skipped message keys kept per session; the oldest are dropped first. */
export const MAX_SKIPPED_KEYS = 2000;

const MESSAGE_KEYS_INFO = utf8('WhisperMessageKeys');
const RATCHET_INFO = utf8('WhisperRatchet');
const NO_SALT = new Uint8Array(0);

export interface ChainState {
  publicKey: Bytes;
  chainKey: Bytes;
  /** Index of the next message key in this chain. */
  n: number;
}

export interface RatchetState {
  rootKey: Bytes;
  sending: ChainState & { keyPair: CryptoKeyPair };
  receiving: ChainState | null;
  /** Length of the previous sending chain (PN). */
  previousCount: number;
  /** Keys of messages skipped over, to open them if they arrive late. */
  skipped: { publicKey: string; n: number; seed: Bytes }[];
}

export interface RatchetHeader {
  /** The sender's current ratchet public key. */
  dh: Bytes;
  pn: number;
  n: number;
}

export class RatchetError extends Error {
  constructor(
    readonly code: 'too_many_skipped' | 'duplicate' | 'decrypt_failed',
    message: string,
  ) {
    super(message);
  }
}

// ---- KDF chains ----

const ONE = new Uint8Array([1]);
const TWO = new Uint8Array([2]);

/** One step of a chain: this message's key seed and the next chain key (one HMAC key import). */
export async function chainStep(chainKey: Bytes): Promise<{ seed: Bytes; next: Bytes }> {
  const [seed, next] = await hmacSha256(chainKey, ONE, TWO);
  return { seed: seed!, next: next! };
}

/** libsignal's message keys: 32-byte cipher key, 32-byte MAC key, 16-byte IV. */
export async function messageKeys(seed: Bytes): Promise<{ cipherKey: Bytes; macKey: Bytes; iv: Bytes }> {
  const okm = await hkdf(seed, NO_SALT, MESSAGE_KEYS_INFO, 80);
  return { cipherKey: okm.slice(0, 32), macKey: okm.slice(32, 64), iv: okm.slice(64, 80) };
}

/** A DH ratchet step of the root chain: returns the new root key and a new chain key. */
export async function rootStep(rootKey: Bytes, ours: CryptoKey, theirs: Bytes): Promise<{ rootKey: Bytes; chainKey: Bytes }> {
  const okm = await hkdf(await x25519(ours, theirs), rootKey, RATCHET_INFO, 64);
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
}

// ---- header and messages ----

export function encodeHeader({ dh, pn, n }: RatchetHeader): Bytes {
  const bytes = new Uint8Array(40);
  bytes.set(dh, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(32, pn);
  view.setUint32(36, n);
  return bytes;
}

async function seal(seed: Bytes, plaintext: Bytes, ad: Bytes): Promise<Bytes> {
  const { cipherKey, iv } = await messageKeys(seed);
  return aesGcmEncrypt(cipherKey, iv.slice(0, 12), plaintext, ad);
}

async function open(seed: Bytes, ciphertext: Bytes, ad: Bytes): Promise<Bytes> {
  const { cipherKey, iv } = await messageKeys(seed);
  try {
    return await aesGcmDecrypt(cipherKey, iv.slice(0, 12), ciphertext, ad);
  } catch {
    throw new RatchetError('decrypt_failed', 'the message or its header was altered, or was not sent in this session');
  }
}

// ---- initialisation (after X3DH) ----

/** The initiator (Alice): receives on the responder's signed prekey, sends on a fresh ratchet key. */
export async function initiate(rootKey: Bytes, chainKey: Bytes, theirRatchetKey: Bytes, keyPair?: CryptoKeyPair): Promise<RatchetState> {
  const pair = keyPair ?? (await generateX25519());
  const step = await rootStep(rootKey, pair.privateKey, theirRatchetKey);
  return {
    rootKey: step.rootKey,
    sending: { keyPair: pair, publicKey: await publicBytes(pair.publicKey), chainKey: step.chainKey, n: 0 },
    receiving: { publicKey: theirRatchetKey, chainKey, n: 0 },
    previousCount: 0,
    skipped: [],
  };
}

/** The responder (Bob): its signed prekey is its first ratchet key. */
export async function respond(rootKey: Bytes, chainKey: Bytes, signedPrekey: CryptoKeyPair): Promise<RatchetState> {
  return {
    rootKey,
    sending: { keyPair: signedPrekey, publicKey: await publicBytes(signedPrekey.publicKey), chainKey, n: 0 },
    receiving: null,
    previousCount: 0,
    skipped: [],
  };
}

// ---- encrypt / decrypt ----

/** Encrypts under the next sending message key. `adPrefix` is followed by the encoded header. */
export async function ratchetEncrypt(state: RatchetState, plaintext: Bytes, adPrefix: Bytes): Promise<{ state: RatchetState; header: RatchetHeader; ciphertext: Bytes }> {
  const { sending } = state;
  const header: RatchetHeader = { dh: sending.publicKey, pn: state.previousCount, n: sending.n };
  const step = await chainStep(sending.chainKey);
  const ciphertext = await seal(step.seed, plaintext, concat(adPrefix, encodeHeader(header)));
  const next: RatchetState = { ...state, sending: { ...sending, chainKey: step.next, n: sending.n + 1 } };
  return { state: next, header, ciphertext };
}

/** Decrypts a message of this session. Throws `RatchetError`; `state` is never modified. */
export async function ratchetDecrypt(state: RatchetState, header: RatchetHeader, ciphertext: Bytes, adPrefix: Bytes): Promise<{ state: RatchetState; plaintext: Bytes }> {
  const ad = concat(adPrefix, encodeHeader(header));
  const dh = toBase64Url(header.dh);
  const skippedIndex = state.skipped.findIndex((k) => k.n === header.n && k.publicKey === dh);
  if (skippedIndex >= 0) {
    const plaintext = await open(state.skipped[skippedIndex]!.seed, ciphertext, ad);
    return { state: { ...state, skipped: state.skipped.filter((_, i) => i !== skippedIndex) }, plaintext };
  }

  let next: RatchetState = { ...state, skipped: [...state.skipped] };
  if (!next.receiving || !equalBytes(next.receiving.publicKey, header.dh)) {
    if (next.receiving) next = { ...next, receiving: await skip(next, next.receiving, header.pn) };
    next = await dhStep(next, header.dh);
  } else if (header.n < next.receiving.n) {
    throw new RatchetError('duplicate', 'this message was already received (or its key was dropped)');
  }
  const receiving = await skip(next, next.receiving!, header.n);
  const step = await chainStep(receiving.chainKey);
  const plaintext = await open(step.seed, ciphertext, ad);
  next.receiving = { ...receiving, chainKey: step.next, n: receiving.n + 1 };
  if (next.skipped.length > MAX_SKIPPED_KEYS) next.skipped = next.skipped.slice(-MAX_SKIPPED_KEYS);
  return { state: next, plaintext };
}

/** Stores the keys of `chain` up to (not including) `until` as skipped. Mutates `state.skipped` (a copy). */
async function skip(state: RatchetState, chain: ChainState, until: number): Promise<ChainState> {
  if (until - chain.n > MAX_SKIP) {
    throw new RatchetError('too_many_skipped', `the message is ${until - chain.n} messages ahead, over the limit of ${MAX_SKIP}`);
  }
  let { chainKey, n } = chain;
  const publicKey = toBase64Url(chain.publicKey);
  for (; n < until; n++) {
    const step = await chainStep(chainKey);
    state.skipped.push({ publicKey, n, seed: step.seed });
    chainKey = step.next;
  }
  return { ...chain, chainKey, n };
}

async function dhStep(state: RatchetState, theirs: Bytes): Promise<RatchetState> {
  const received = await rootStep(state.rootKey, state.sending.keyPair.privateKey, theirs);
  const keyPair = await generateX25519();
  const sent = await rootStep(received.rootKey, keyPair.privateKey, theirs);
  return {
    ...state,
    rootKey: sent.rootKey,
    previousCount: state.sending.n,
    receiving: { publicKey: theirs, chainKey: received.chainKey, n: 0 },
    sending: { keyPair, publicKey: await publicBytes(keyPair.publicKey), chainKey: sent.chainKey, n: 0 },
  };
}
