/**
 * A pairwise session between two devices: X3DH to start it, the Double Ratchet to run it.
 * The initiator repeats its X3DH parameters (`pre`) in every message until it hears back, so the
 * responder can start the session from whichever of those messages arrives first.
 * Associated data: version ‖ sender identity ‖ recipient identity ‖ caller's context ‖ session id
 * ‖ X3DH parameters ‖ ratchet header.
 */
import { toBase64Url, utf8 } from './encoding.ts';
import { concat, generateX25519, publicBytes, type Bytes } from './primitives.ts';
import { initiate, ratchetDecrypt, ratchetEncrypt, respond, type RatchetHeader, type RatchetState } from './ratchet.ts';
import { x3dhInitiator, x3dhResponder, type PrekeyBundle } from './x3dh.ts';

const VERSION = utf8('threadline/2');

/** The initiator's X3DH parameters. */
export interface PrekeyHeader {
  /** Initiator's X25519 identity key. */
  ik: Bytes;
  /** Initiator's base key; its base64url form is the session id. */
  ek: Bytes;
  spk: number;
  opk: number | null;
}

export interface SessionHeader extends RatchetHeader {
  /** Session id: the initiator's base key, base64url. */
  s: string;
  pre?: PrekeyHeader;
}

export interface Session {
  id: string;
  peer: string;
  localIdentity: Bytes;
  remoteIdentity: Bytes;
  ratchet: RatchetState;
  /** Sent with each message until the peer answers. */
  pre: PrekeyHeader | null;
  /** Whether a message from the peer has been received in this session. */
  answered: boolean;
}

export interface LocalIdentity {
  /** X25519 identity key pair. */
  keyPair: CryptoKeyPair;
  publicKey: Bytes;
}

export async function startSession(local: LocalIdentity, bundle: PrekeyBundle): Promise<Session> {
  const base = await generateX25519();
  const ek = await publicBytes(base.publicKey);
  const { rootKey, chainKey } = await x3dhInitiator(
    { identity: local.keyPair.privateKey, base: base.privateKey },
    { identityKey: bundle.identityKey, signedPrekey: bundle.signedPrekey.publicKey, oneTimePrekey: bundle.oneTimePrekey?.publicKey },
  );
  return {
    id: toBase64Url(ek),
    peer: bundle.deviceId,
    localIdentity: local.publicKey,
    remoteIdentity: bundle.identityKey,
    ratchet: await initiate(rootKey, chainKey, bundle.signedPrekey.publicKey),
    pre: { ik: local.publicKey, ek, spk: bundle.signedPrekey.id, opk: bundle.oneTimePrekey?.id ?? null },
    answered: false,
  };
}

export async function acceptSession(
  local: LocalIdentity,
  peer: string,
  pre: PrekeyHeader,
  signedPrekey: CryptoKeyPair,
  oneTimePrekey: CryptoKeyPair | undefined,
): Promise<Session> {
  const { rootKey, chainKey } = await x3dhResponder(
    { identity: local.keyPair.privateKey, signedPrekey: signedPrekey.privateKey, oneTimePrekey: oneTimePrekey?.privateKey },
    { identityKey: pre.ik, baseKey: pre.ek },
  );
  return {
    id: toBase64Url(pre.ek),
    peer,
    localIdentity: local.publicKey,
    remoteIdentity: pre.ik,
    ratchet: await respond(rootKey, chainKey, signedPrekey),
    pre: null,
    answered: false,
  };
}

function encodePre(pre: PrekeyHeader | undefined | null): Bytes {
  if (!pre) return new Uint8Array(1);
  const numbers = new Uint8Array(9);
  const view = new DataView(numbers.buffer);
  numbers[0] = 1;
  view.setUint32(1, pre.spk);
  view.setUint32(5, pre.opk ?? 0xffffffff);
  return concat(numbers, pre.ik, pre.ek);
}

const adPrefix = (sender: Bytes, recipient: Bytes, context: Bytes, id: string, pre: PrekeyHeader | null | undefined) =>
  concat(VERSION, sender, recipient, context, utf8(`\n${id}\n`), encodePre(pre));

export async function sessionEncrypt(session: Session, plaintext: Bytes, context: Bytes): Promise<{ session: Session; header: SessionHeader; ciphertext: Bytes }> {
  const ad = adPrefix(session.localIdentity, session.remoteIdentity, context, session.id, session.pre);
  const { state, header, ciphertext } = await ratchetEncrypt(session.ratchet, plaintext, ad);
  return {
    session: { ...session, ratchet: state },
    header: { ...header, s: session.id, ...(session.pre ? { pre: session.pre } : {}) },
    ciphertext,
  };
}

/** Throws `RatchetError`; `session` is never modified. */
export async function sessionDecrypt(session: Session, header: SessionHeader, ciphertext: Bytes, context: Bytes): Promise<{ session: Session; plaintext: Bytes }> {
  const ad = adPrefix(session.remoteIdentity, session.localIdentity, context, session.id, header.pre);
  const { state, plaintext } = await ratchetDecrypt(session.ratchet, header, ciphertext, ad);
  return { session: { ...session, ratchet: state, pre: null, answered: true }, plaintext };
}
