/**
 * The team's saved replies, sealed in the worker of the agent who saves them: encrypted once under
 * a random content key, which is sealed to each approved agent device's identity key (every agent
 * reads them, admin or not) and to the inbox key (a device approved later that holds it), and signed
 * by the saving device, since anyone can seal to public keys. The relay stores the result and reads
 * none of it. Only in the agents' worker (agent-service.ts).
 */
import type { Directory, SealedSavedReplies } from '../protocol.ts';
import { SessionError, type Device } from './device.ts';
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './encoding.ts';
import { openSealed, sealTo } from './message.ts';
import { aesGcmDecrypt, aesGcmEncrypt, concat, sign, verify, type Bytes } from './primitives.ts';
import type { OrgKeys } from './vault.ts';

/** Bound into the encryption and the signature: what this is, which version, and who sealed it. */
const context = (version: number, device: string) => utf8(`threadline/2 saved replies\n${version}\n${device}`);
/** Signed: the list and every sealed copy of its key, so a relay cannot drop a device's copy (and have it sealed again). */
const signed = (version: number, { device, iv, ct, sealed, inbox }: Omit<SealedSavedReplies, 'sig'>) =>
  concat(context(version, device), utf8(`\n${iv}\n${ct}\n${[...sealed, { to: 'inbox', ...inbox }].map((s) => `${s.to} ${s.epk} ${s.iv} ${s.k}`).join('\n')}`));

/** Seals `plaintext` as version `version` for the directory's devices and its inbox key. */
export async function sealSavedReplies(device: Device, directory: Directory, version: number, plaintext: Bytes): Promise<SealedSavedReplies> {
  const contentKey = randomBytes(32);
  const iv = randomBytes(12);
  const ad = context(version, device.id);
  const ct = toBase64Url(await aesGcmEncrypt(contentKey, iv, plaintext, ad));
  const sealed = [];
  for (const d of directory.devices) sealed.push({ to: d.id, ...(await sealTo('device', fromBase64Url(d.identityKey), contentKey, ad)) });
  const body = { v: 1 as const, device: device.id, iv: toBase64Url(iv), ct, sealed, inbox: await sealTo('inbox', fromBase64Url(directory.inboxKey), contentKey, ad) };
  return { ...body, sig: toBase64Url(await sign(device.keys.signing.keyPair.privateKey, signed(version, body))) };
}

/**
 * Opens version `version` with this device's sealed copy, or else the inbox copy. Refused unless a
 * device of the directory signed it: the relay could seal a list of its own to the same public keys.
 */
export async function openSavedReplies(device: Device, org: OrgKeys | undefined, directory: Directory, version: number, sealed: SealedSavedReplies): Promise<Bytes> {
  const signer = directory.devices.find((d) => d.id === sealed.device);
  if (!signer || !(await verify(fromBase64Url(signer.signingKey), fromBase64Url(sealed.sig), signed(version, sealed)))) {
    throw new SessionError('untrusted', 'the saved replies are not signed by an approved agent device');
  }
  const ad = context(version, sealed.device);
  const mine = sealed.sealed.find((s) => s.to === device.id);
  let contentKey: Bytes;
  if (mine) contentKey = await openSealed('device', device.keys.identity.keyPair, mine, ad);
  else if (org) contentKey = await openSealed('inbox', org.inboxKey, sealed.inbox, ad);
  else throw new SessionError('no_session', 'the saved replies were saved before this device was approved; they open once another agent saves them again');
  try {
    return await aesGcmDecrypt(contentKey, fromBase64Url(sealed.iv), fromBase64Url(sealed.ct), ad);
  } catch {
    throw new SessionError('decrypt_failed', 'the saved replies were altered');
  }
}
