/**
 * X3DH key agreement (signal.org/docs, revision 1), with libsignal's encoding so its published
 * vectors check it: secret = 0xFF×32 ‖ DH(IKa, SPKb) ‖ DH(EKa, IKb) ‖ DH(EKa, SPKb) [‖ DH(EKa, OPKb)],
 * HKDF(salt 0×32, info "WhisperText", 64) = root key ‖ chain key.
 * Identity keys for DH are X25519; each device signs its prekeys with a separate Ed25519 key
 * (WebCrypto has no XEdDSA), and the organisation certifies both keys together.
 */
import { SIGNED_PREKEY_CONTEXT } from '../protocol.ts';
import { utf8 } from './encoding.ts';
import { concat, hkdf, verify, x25519, type Bytes } from './primitives.ts';

const INFO = utf8('WhisperText');
const F = new Uint8Array(32).fill(0xff);
const SIGNED_PREKEY = utf8(SIGNED_PREKEY_CONTEXT);

export interface SignedPrekey {
  id: number;
  publicKey: Bytes;
  /**
   * Ed25519 signature by the device's signing key over the context, the device's X25519 identity
   * key and the prekey: it binds the two halves of the identity, so neither can be swapped alone.
   */
  signature: Bytes;
}

/** What a device publishes so others can start a session with it while it is offline. */
export interface PrekeyBundle {
  deviceId: string;
  /** X25519 identity key. */
  identityKey: Bytes;
  /** Ed25519 key that signs the prekeys. */
  signingKey: Bytes;
  signedPrekey: SignedPrekey;
  oneTimePrekey?: { id: number; publicKey: Bytes };
}

export const signedPrekeyMessage = (identityKey: Bytes, publicKey: Bytes): Bytes => concat(SIGNED_PREKEY, identityKey, publicKey);

/** Whether the signing key vouches for both the identity key and the signed prekey. */
export const verifyBundle = (bundle: Pick<PrekeyBundle, 'identityKey' | 'signingKey' | 'signedPrekey'>): Promise<boolean> =>
  verify(bundle.signingKey, bundle.signedPrekey.signature, signedPrekeyMessage(bundle.identityKey, bundle.signedPrekey.publicKey));

async function derive(parts: Bytes[]): Promise<{ rootKey: Bytes; chainKey: Bytes }> {
  const okm = await hkdf(concat(F, ...parts), new Uint8Array(0), INFO, 64);
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
}

/** Alice's side: her identity and a fresh base (ephemeral) key against Bob's published keys. */
export async function x3dhInitiator(
  ours: { identity: CryptoKey; base: CryptoKey },
  theirs: { identityKey: Bytes; signedPrekey: Bytes; oneTimePrekey?: Bytes | undefined },
): Promise<{ rootKey: Bytes; chainKey: Bytes }> {
  const parts = [
    await x25519(ours.identity, theirs.signedPrekey),
    await x25519(ours.base, theirs.identityKey),
    await x25519(ours.base, theirs.signedPrekey),
  ];
  if (theirs.oneTimePrekey) parts.push(await x25519(ours.base, theirs.oneTimePrekey));
  return derive(parts);
}

/** Bob's side, from the keys Alice's first message names. */
export async function x3dhResponder(
  ours: { identity: CryptoKey; signedPrekey: CryptoKey; oneTimePrekey?: CryptoKey | undefined },
  theirs: { identityKey: Bytes; baseKey: Bytes },
): Promise<{ rootKey: Bytes; chainKey: Bytes }> {
  const parts = [
    await x25519(ours.signedPrekey, theirs.identityKey),
    await x25519(ours.identity, theirs.baseKey),
    await x25519(ours.signedPrekey, theirs.baseKey),
  ];
  if (ours.oneTimePrekey) parts.push(await x25519(ours.oneTimePrekey, theirs.baseKey));
  return derive(parts);
}
