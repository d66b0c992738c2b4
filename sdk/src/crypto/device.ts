/**
 * One device's keys and sessions: an X25519 identity for X3DH, an Ed25519 key that signs its
 * prekeys, a signed prekey (rotated on a schedule, the previous one kept for late messages),
 * one-time prekeys (each used once), and its sessions with other devices.
 * Methods change the in-memory state only after a step succeeded; `dirty` names the sessions to
 * persist before a ciphertext leaves the worker.
 */
import { fromBase64Url, toBase64Url } from './encoding.ts';
import { equalBytes, generateEd25519, generateX25519, publicBytes, sign, type Bytes } from './primitives.ts';
import { RatchetError } from './ratchet.ts';
import { acceptSession, sessionDecrypt, sessionEncrypt, startSession, type LocalIdentity, type Session, type SessionHeader } from './session.ts';
import { signedPrekeyMessage, verifyBundle, type PrekeyBundle, type SignedPrekey } from './x3dh.ts';

/** Sessions kept per peer device; older ones are dropped. */
const SESSIONS_PER_PEER = 4;
export const SIGNED_PREKEY_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export interface DeviceSecrets {
  id: string;
  identity: LocalIdentity;
  signing: { keyPair: CryptoKeyPair; publicKey: Bytes };
  /** Newest last; the previous one is kept for messages still in flight. `bound`: signed with the identity key (all made since). */
  signedPrekeys: (SignedPrekey & { keyPair: CryptoKeyPair; createdAt: number; bound?: true })[];
  oneTimePrekeys: { id: number; keyPair: CryptoKeyPair; publicKey: Bytes }[];
  nextPrekeyId: number;
}

export interface PublishedPrekeys {
  signedPrekey: SignedPrekey;
  oneTimePrekeys: { id: number; publicKey: Bytes }[];
}

export class SessionError extends Error {
  constructor(
    readonly code: 'no_session' | 'bad_bundle' | 'unknown_prekey' | 'untrusted' | RatchetError['code'],
    message: string,
  ) {
    super(message);
  }
}

export class Device {
  /** Peer device id → sessions, the one to send with first. */
  readonly sessions: Map<string, Session[]>;
  readonly dirty = new Set<string>();
  keysChanged = false;

  constructor(
    readonly keys: DeviceSecrets,
    sessions: Iterable<[string, Session[]]> = [],
  ) {
    this.sessions = new Map(sessions);
  }

  static async create(id: string): Promise<Device> {
    const identity = await generateX25519();
    const signing = await generateEd25519();
    const device = new Device({
      id,
      identity: { keyPair: identity, publicKey: await publicBytes(identity.publicKey) },
      signing: { keyPair: signing, publicKey: await publicBytes(signing.publicKey) },
      signedPrekeys: [],
      oneTimePrekeys: [],
      nextPrekeyId: 1,
    });
    await device.rotateSignedPrekey();
    return device;
  }

  get id(): string {
    return this.keys.id;
  }

  get signedPrekey(): SignedPrekey {
    const { id, publicKey, signature } = this.keys.signedPrekeys.at(-1)!;
    return { id, publicKey, signature };
  }

  /** Makes a new signed prekey, keeping the previous one for messages in flight. */
  async rotateSignedPrekey(now = Date.now()): Promise<SignedPrekey> {
    const keyPair = await generateX25519();
    const publicKey = await publicBytes(keyPair.publicKey);
    const signature = await sign(this.keys.signing.keyPair.privateKey, signedPrekeyMessage(this.keys.identity.publicKey, publicKey));
    this.keys.signedPrekeys = [...this.keys.signedPrekeys.slice(-1), { id: this.keys.nextPrekeyId++, keyPair, publicKey, signature, createdAt: now, bound: true }];
    this.keysChanged = true;
    return this.signedPrekey;
  }

  /** Also due when it was signed before prekey signatures covered the identity key. */
  signedPrekeyIsDue(now = Date.now()): boolean {
    const newest = this.keys.signedPrekeys.at(-1)!;
    return !newest.bound || now - newest.createdAt > SIGNED_PREKEY_LIFETIME_MS;
  }

  async createOneTimePrekeys(count: number): Promise<{ id: number; publicKey: Bytes }[]> {
    const created = [];
    for (let i = 0; i < count; i++) {
      const keyPair = await generateX25519();
      created.push({ id: this.keys.nextPrekeyId++, keyPair, publicKey: await publicBytes(keyPair.publicKey) });
    }
    this.keys.oneTimePrekeys = [...this.keys.oneTimePrekeys, ...created];
    this.keysChanged = true;
    return created.map(({ id, publicKey }) => ({ id, publicKey }));
  }

  bundle(oneTimePrekey?: { id: number; publicKey: Bytes }): PrekeyBundle {
    return {
      deviceId: this.id,
      identityKey: this.keys.identity.publicKey,
      signingKey: this.keys.signing.publicKey,
      signedPrekey: this.signedPrekey,
      ...(oneTimePrekey ? { oneTimePrekey } : {}),
    };
  }

  hasSession(peer: string): boolean {
    return (this.sessions.get(peer)?.length ?? 0) > 0;
  }

  /**
   * Encrypts for `peer`, starting a session from `bundle` if there is none yet. `trusted` are the
   * keys its owner published (the directory, a checked conversation): a bundle must carry both.
   */
  async encrypt(peer: string, plaintext: Bytes, context: Bytes, bundle?: PrekeyBundle, trusted?: { identity: Bytes; signing: Bytes }): Promise<{ header: SessionHeader; ciphertext: Bytes }> {
    let session = this.sessions.get(peer)?.[0];
    if (!session) {
      if (!bundle) throw new SessionError('no_session', `there is no session with device ${peer} and no prekey bundle for it`);
      if (trusted && !(equalBytes(trusted.identity, bundle.identityKey) && equalBytes(trusted.signing, bundle.signingKey))) {
        throw new SessionError('untrusted', `the prekey bundle of device ${peer} does not carry its published keys`);
      }
      if (bundle.deviceId !== peer || !(await verifyBundle(bundle))) {
        throw new SessionError('bad_bundle', `the prekey bundle of device ${peer} is not signed by its key`);
      }
      session = await startSession(this.keys.identity, bundle);
    }
    const result = await sessionEncrypt(session, plaintext, context);
    this.#store(result.session);
    return { header: result.header, ciphertext: result.ciphertext };
  }

  /**
   * Decrypts a message from `peer`. Nothing changes until `commit()` is called, so a caller can
   * first check what the plaintext protects; on any failure nothing changes at all.
   */
  async decrypt(peer: string, header: SessionHeader, ciphertext: Bytes, context: Bytes, trustedIdentity?: Bytes): Promise<{ plaintext: Bytes; commit(): void }> {
    let session = this.sessions.get(peer)?.find((s) => s.id === header.s);
    let usedPrekey: number | null = null;
    if (!session) {
      if (!header.pre || toBase64Url(header.pre.ek) !== header.s) throw new SessionError('no_session', `no session ${header.s} with device ${peer}`);
      if (trustedIdentity && !equalBytes(trustedIdentity, header.pre.ik)) {
        throw new SessionError('untrusted', `device ${peer} started a session with an identity key that is not the one its owner published`);
      }
      const signed = this.keys.signedPrekeys.find((k) => k.id === header.pre!.spk);
      const oneTime = header.pre.opk === null ? undefined : this.keys.oneTimePrekeys.find((k) => k.id === header.pre!.opk);
      if (!signed || (header.pre.opk !== null && !oneTime)) {
        throw new SessionError('unknown_prekey', `the prekey the message was sent to is unknown or already used`);
      }
      session = await acceptSession(this.keys.identity, peer, header.pre, signed.keyPair, oneTime?.keyPair);
      usedPrekey = oneTime?.id ?? null;
    }
    let result;
    try {
      result = await sessionDecrypt(session, header, ciphertext, context);
    } catch (error) {
      if (error instanceof RatchetError) throw new SessionError(error.code, error.message);
      throw error;
    }
    const commit = () => {
      if (usedPrekey !== null) {
        this.keys.oneTimePrekeys = this.keys.oneTimePrekeys.filter((k) => k.id !== usedPrekey);
        this.keysChanged = true;
      }
      this.#store(result.session);
    };
    return { plaintext: result.plaintext, commit };
  }

  /** Forgets every session with `peer` (a revoked device). */
  forget(peer: string): void {
    if (this.sessions.delete(peer)) this.dirty.add(peer);
  }

  #store(session: Session): void {
    const others = (this.sessions.get(session.peer) ?? []).filter((s) => s.id !== session.id);
    this.sessions.set(session.peer, [session, ...others].slice(0, SESSIONS_PER_PEER));
    this.dirty.add(session.peer);
  }
}

// ---- wire form of session headers ----

export interface WireHeader {
  s: string;
  dh: string;
  pn: number;
  n: number;
  pre?: { ik: string; ek: string; spk: number; opk: number | null };
}

export function headerToWire(h: SessionHeader): WireHeader {
  const wire: WireHeader = { s: h.s, dh: toBase64Url(h.dh), pn: h.pn, n: h.n };
  if (h.pre) wire.pre = { ik: toBase64Url(h.pre.ik), ek: toBase64Url(h.pre.ek), spk: h.pre.spk, opk: h.pre.opk };
  return wire;
}

export function headerFromWire(w: WireHeader): SessionHeader {
  const header: SessionHeader = { s: w.s, dh: fromBase64Url(w.dh), pn: w.pn, n: w.n };
  if (w.pre) header.pre = { ik: fromBase64Url(w.pre.ik), ek: fromBase64Url(w.pre.ek), spk: w.pre.spk, opk: w.pre.opk };
  return header;
}
