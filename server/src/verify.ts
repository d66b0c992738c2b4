/** Ed25519 verification of what the organisation key signed (the relay checks; clients check again). */
import { createPublicKey, verify } from 'node:crypto';
import { SIGNED_PREKEY_CONTEXT, type DeviceKeys } from '@threadline/sdk/protocol';

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export function verifyEd25519(publicKey: string, signature: string, message: string | Buffer): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, Buffer.from(publicKey, 'base64url')]), format: 'der', type: 'spki' });
    return verify(null, typeof message === 'string' ? Buffer.from(message, 'utf8') : message, key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** What a device's signing key signs: its identity key and signed prekey (base64url), as clients check. */
export const signedPrekeyMessage = (identityKey: string, prekey: string): Buffer =>
  Buffer.concat([Buffer.from(SIGNED_PREKEY_CONTEXT, 'utf8'), Buffer.from(identityKey, 'base64url'), Buffer.from(prekey, 'base64url')]);

/** Whether a device's signing key vouches for its identity key and signed prekey. */
export const signsItsPrekey = (device: DeviceKeys): boolean =>
  verifyEd25519(device.signingKey, device.signedPrekey.signature, signedPrekeyMessage(device.identityKey, device.signedPrekey.publicKey));
