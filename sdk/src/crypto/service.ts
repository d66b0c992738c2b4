/**
 * What the crypto worker does, as a plain class so it can be tested without a worker. Private keys
 * are created here, kept in IndexedDB as non-extractable keys, and never returned: callers get
 * public keys, envelopes and decrypted history. Failures come back as values (`Result`) because
 * errors thrown across a worker boundary lose their class and code.
 */
import { parseVisitorFrame, storedEnvelope, type Audience, type Directory, type RelayFrame, type DeviceKeys, type Envelope, type KeyBackup, type PrekeyBundleWire, type Role, type SignedDirectory, type StoredEnvelope } from '../protocol.ts';
import { Device, SessionError } from './device.ts';
import { checkDirectory, directoryTimes, signDirectory, type DirectoryProblem } from './directory.ts';
import { fromBase64Url, fromUtf8, randomId, toBase64Url, utf8 } from './encoding.ts';
import { openFromInbox, openMessage, openSealedForDevice, sealMessage, type MessageMeta, type Recipient } from './message.ts';
import { concat, equalBytes, type Bytes } from './primitives.ts';
import { GENERATION, persistent, Vault, type HistoryEntry, type OrgKeys, type Trust } from './vault.ts';
import { verifyBundle, type PrekeyBundle } from './x3dh.ts';

export type CryptoErrorCode = 'no_key' | 'bad_frame' | 'wrong_password' | 'weak_kdf' | 'storage' | 'storage_full' | 'decrypt_failed' | 'untrusted' | 'expired' | DirectoryProblem | SessionError['code'];
export type Result<T> = { ok: true; value: T } | { ok: false; code: CryptoErrorCode; reason: string; hint: string };
export type { HistoryEntry } from './vault.ts';

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
/** What a person can do about each failure (the SDK puts it in the error's message). */
const HINTS: Partial<Record<CryptoErrorCode, string>> = {
  wrong_password: 'Sign in with the password the key backup was made with.',
  weak_kdf: 'Do not sign in: the relay asked for too weak a password hash.',
  decrypt_failed: 'The message is shown as unreadable; the rest of the conversation is unaffected.',
  storage: 'Allow this site to store data (IndexedDB), or leave private browsing.',
  storage_full: 'Free some space (clear other sites’ data) and send again; messages not yet sent are kept.',
  expired: 'The conversation has ended; this device deletes what it held of it.',
};
export const fail = (code: CryptoErrorCode, reason: string, hint = HINTS[code] ?? 'Reload the page; if it persists, report it to the site.'): Result<never> => ({ ok: false, code, reason, hint });
const ONE_TIME_PREKEYS = 50;

/** The public face of this device, to register with the relay. */
export interface DeviceInfo {
  device: DeviceKeys;
  /** One-time prekeys to upload (new ones only). */
  oneTimePrekeys: { id: number; publicKey: string }[];
  /** Whether this device holds the organisation's keys. */
  hasOrgKeys: boolean;
  /** False when the browser gave no IndexedDB: keys and history last until the page closes. */
  persistent: boolean;
}

const wireBundle = (b: PrekeyBundleWire): PrekeyBundle => ({
  deviceId: b.id,
  identityKey: fromBase64Url(b.identityKey),
  signingKey: fromBase64Url(b.signingKey),
  signedPrekey: { id: b.signedPrekey.id, publicKey: fromBase64Url(b.signedPrekey.publicKey), signature: fromBase64Url(b.signedPrekey.signature) },
  ...(b.oneTimePrekey ? { oneTimePrekey: { id: b.oneTimePrekey.id, publicKey: fromBase64Url(b.oneTimePrekey.publicKey) } } : {}),
});

/** A device this one may talk to: the directory's (agents) and, on agents, conversations' visitors. */
interface Peer {
  role: Role;
  /** X25519 identity key. */
  identity: Bytes;
  /** Ed25519 signing key. */
  signing: Bytes;
}

/** Sending, and what the relay answers to it, is always urgent (see `#exclusive`). */
const always = () => true;

export class CryptoService {
  #role: Role = 'visitor';
  #site = '';
  #vault: Vault | undefined;
  /** @internal Read by the agents' worker (agent-service.ts); never callable over the RPC, which answers methods only. */
  protected device: Device | undefined;
  #atRest: CryptoKey | undefined;
  /** @internal As `device`. */
  protected org: OrgKeys | undefined;
  #wrapKey: { key: CryptoKey; params: string } | undefined;
  #peers = new Map<string, Peer>();
  readonly #visitors = new Map<string, Peer>();
  /** @internal As `device`. */
  protected directory: Directory | undefined;
  /** Steps waiting for their turn, in order, each as [whether it is urgent, run it]; see `#exclusive`. */
  readonly #waiting: [() => boolean, () => Promise<void>][] = [];
  #running = false;
  /** The conversation an agent is looking at: its messages open before the rest of the inbox's. */
  #shown: string | undefined;

  #generation: string | undefined;

  /**
   * Runs state-changing steps one at a time: two decryptions must not race on one ratchet. Across
   * workers too (two console tabs on one device): a Web Lock per scope admits one step at a time,
   * and a worker whose state another one has moved on since reloads it first, so no message key —
   * and so no AES-GCM key and nonce — is ever used twice.
   *
   * The first `urgent` step waiting goes next: sending (and what the relay answers to it), and the
   * messages of the conversation shown — so a console that just signed in replies and reads at once
   * while the rest of its inbox is still being decrypted. That is safe: a ratchet sends and receives
   * in any order, each session is found by its id, and one conversation's messages keep their order.
   */
  #exclusive<T>(step: () => Promise<T>, urgent = () => false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => this.#catchUp().then(step);
      const scope = this.#vault?.scope;
      this.#waiting.push([urgent, () => (scope && globalThis.navigator?.locks ? navigator.locks.request(`threadline-ratchet:${scope}`, run) : run()).then(resolve, reject)]);
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    while (this.#waiting.length) await this.#waiting.splice(Math.max(0, this.#waiting.findIndex(([urgent]) => urgent())), 1)[0]![1]();
    this.#running = false;
  }

  /** Agents: the conversation now on screen, whose messages go before the others'. */
  show(conversationId: string | undefined): void {
    this.#shown = conversationId;
  }

  async #catchUp(): Promise<void> {
    const vault = this.#vault;
    if (!vault || !this.device) return;
    const generation = await vault.get<string>('devices', GENERATION);
    if (generation === this.#generation) return;
    const record = await vault.get<{ keys: Device['keys'] }>('devices');
    if (record) this.device = new Device(record.keys, await vault.sessions());
    this.#generation = generation;
  }

  /**
   * Loads this device for `scope` (`<relay origin>/<site>`), creating its keys on first use (one
   * tab at a time, so two tabs opening at once make one device). Called again, it reloads the state
   * another tab's worker may have moved on.
   */
  open(scope: string, site: string, role: Role): Promise<Result<DeviceInfo>> {
    const load = () => this.#open(scope, site, role);
    return globalThis.navigator?.locks ? navigator.locks.request(`threadline-open:${scope}`, load) : load();
  }

  async #open(scope: string, site: string, role: Role): Promise<Result<DeviceInfo>> {
    try {
      this.#role = role;
      this.#site = site;
      this.#vault = new Vault(scope);
      this.org = await this.#vault.get<OrgKeys>('org');
      const record = await this.#vault.get<{ keys: Device['keys']; atRest: CryptoKey }>('devices');
      this.#generation = await this.#vault.get<string>('devices', GENERATION);
      let fresh: { id: number; publicKey: Bytes }[] = [];
      if (record) {
        this.device = new Device(record.keys, await this.#vault.sessions());
        this.#atRest = record.atRest;
      } else {
        this.device = await Device.create(randomId());
        this.#atRest = (await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])) as CryptoKey;
        if (role === 'agent') fresh = await this.device.createOneTimePrekeys(ONE_TIME_PREKEYS);
        await this.#save();
      }
      return ok({ device: this.#publicDevice(), oneTimePrekeys: fresh.map((p) => ({ id: p.id, publicKey: toBase64Url(p.publicKey) })), hasOrgKeys: Boolean(this.org), persistent });
    } catch (error) {
      return fail('storage', String(error));
    }
  }

  /** New one-time prekeys, and a new signed prekey when the current one is due for rotation. */
  replenish(count: number): Promise<Result<{ signedPrekey?: DeviceKeys['signedPrekey']; oneTimePrekeys: { id: number; publicKey: string }[] }>> {
    return this.#exclusive(() => this.#replenish(count));
  }

  async #replenish(count: number): Promise<Result<{ signedPrekey?: DeviceKeys['signedPrekey']; oneTimePrekeys: { id: number; publicKey: string }[] }>> {
    const device = this.device;
    if (!device) return fail('no_key', 'open() was not called');
    const rotated = device.signedPrekeyIsDue() ? await device.rotateSignedPrekey() : undefined;
    const created = await device.createOneTimePrekeys(count);
    await this.#save();
    return ok({
      ...(rotated ? { signedPrekey: this.#publicDevice().signedPrekey } : {}),
      oneTimePrekeys: created.map((p) => ({ id: p.id, publicKey: toBase64Url(p.publicKey) })),
    });
  }

  // ---- agents: password and organisation keys ----
  // A chunk of its own, loaded on an agent's sign-in: a visitor's worker never downloads it.

  /** Derives an agent's keys from the password; returns the auth key the relay checks. */
  async unlock(password: string, salt: string, iterations: number): Promise<Result<string>> {
    const { passwordKeys, WeakKdfError } = await import('./backup.ts');
    try {
      const keys = await passwordKeys(password, salt, iterations);
      this.#wrapKey = { key: keys.wrapKey, params: keys.params };
      return ok(keys.authKey);
    } catch (error) {
      return fail(error instanceof WeakKdfError ? 'weak_kdf' : 'no_key', error instanceof Error ? error.message : String(error));
    }
  }

  /** Opens the organisation's keys from a backup (after `unlock`) and keeps them on this device. */
  async restoreOrg(backup: KeyBackup): Promise<Result<{ orgKey: string; inboxKey: string }>> {
    if (!this.#wrapKey || !this.#vault) return fail('no_key', 'unlock() and open() must come first');
    const { restoreOrgKeys } = await import('./backup.ts');
    try {
      this.org = await restoreOrgKeys(this.#wrapKey.key, backup, this.#wrapKey.params);
    } catch {
      return fail('wrong_password', 'the key backup does not open with this password');
    }
    await this.#vault.put('org', this.org);
    return ok({ orgKey: this.org.orgPublic, inboxKey: this.org.inboxPublic });
  }

  /** Creates the organisation's keys (first admin) and a first directory listing this device. */
  async createOrg(agentName: string): Promise<Result<{ backup: KeyBackup; directory: SignedDirectory }>> {
    if (!this.#wrapKey || !this.#vault) return fail('no_key', 'unlock() and open() must come first');
    const { createOrgKeys } = await import('./backup.ts');
    const { keys, backup } = await createOrgKeys(this.#wrapKey.key, this.#wrapKey.params);
    this.org = keys;
    await this.#vault.put('org', keys);
    const { id, identityKey, signingKey } = this.#publicDevice();
    const directory = await this.signDirectory([{ id, agent: agentName, identityKey, signingKey }], 1);
    return directory.ok ? ok({ backup, directory: directory.value }) : directory;
  }

  /** Signs a directory listing `devices` (admins). */
  async signDirectory(devices: Directory['devices'], version: number): Promise<Result<SignedDirectory>> {
    const org = this.org;
    if (!org) return fail('no_key', 'this device does not hold the organisation key');
    return ok(await signDirectory(org.orgKey.privateKey, { v: 2, site: this.#site, version, ...directoryTimes(), orgKey: org.orgPublic, inboxKey: org.inboxPublic, devices }));
  }

  // ---- trust ----

  /** Checks a directory against the pinned or first-seen organisation key; remembers it. */
  async trust(signed: SignedDirectory, pin?: string): Promise<Result<{ directory: Directory; trust: Trust }>> {
    const vault = this.#vault;
    if (!vault) return fail('no_key', 'open() was not called');
    const ownOrg = this.org ? { expired: 'accept' as const } : {};
    const checked = await checkDirectory(signed, this.#site, await vault.get<Trust>('trust'), pin, ownOrg);
    if (checked.ok && this.org && checked.directory.orgKey !== this.org.orgPublic) return fail('key_changed', DIRECTORY_PROBLEMS.key_changed);
    if (!checked.ok) return fail(checked.problem, DIRECTORY_PROBLEMS[checked.problem]);
    await vault.put('trust', checked.trust);
    this.directory = checked.directory;
    // Rebuilt from each directory, so a revoked device stops being trusted.
    this.#peers = new Map(this.#visitors);
    for (const device of checked.directory.devices) this.#peers.set(device.id, { role: 'agent', identity: fromBase64Url(device.identityKey), signing: fromBase64Url(device.signingKey) });
    return ok({ directory: checked.directory, trust: checked.trust });
  }

  /**
   * Agents: remembers a conversation's visitor device, as the relay reported it — so only if its
   * signing key vouches for its identity key (the signed prekey covers both), and never with other
   * keys than those first seen for that device.
   */
  async addVisitor(device: DeviceKeys): Promise<Result<void>> {
    if (this.directory?.devices.some((d) => d.id === device.id)) return ok(undefined);
    const keys: Peer = { role: 'visitor', identity: fromBase64Url(device.identityKey), signing: fromBase64Url(device.signingKey) };
    const known = this.#visitors.get(device.id);
    if (known && !(equalBytes(known.identity, keys.identity) && equalBytes(known.signing, keys.signing))) {
      return fail('untrusted', `visitor device ${device.id} changed keys`);
    }
    const spk = device.signedPrekey;
    if (!(await verifyBundle({ identityKey: keys.identity, signingKey: keys.signing, signedPrekey: { id: spk.id, publicKey: fromBase64Url(spk.publicKey), signature: fromBase64Url(spk.signature) } }))) {
      return fail('untrusted', `visitor device ${device.id}'s keys are not bound`);
    }
    this.#visitors.set(device.id, keys);
    this.#peers.set(device.id, keys);
    return ok(undefined);
  }

  // ---- messages ----

  /** Parses a frame from the relay to a visitor: the worker is where untrusted input is checked. */
  frame(raw: string): Result<RelayFrame> {
    try {
      return ok(parseVisitorFrame(raw));
    } catch (error) {
      return fail('bad_frame', String(error));
    }
  }

  /** Which of these devices have no session yet (their bundles are needed to send). */
  needBundles(deviceIds: string[]): string[] {
    return deviceIds.filter((id) => !this.device?.hasSession(id));
  }

  /** Encrypts a message for the recipients (and the inbox key), and stores it in the history. */
  async encrypt(
    meta: { conversationId: string; id: string; expiresAt: number; audience?: Audience | undefined },
    content: unknown,
    recipients: { deviceId: string; bundle?: PrekeyBundleWire }[],
    inboxKey: string | null,
  ): Promise<Result<Envelope>> {
    return this.#exclusive(() => this.#encrypt(meta, content, recipients, inboxKey), always);
  }

  async #encrypt(
    meta: { conversationId: string; id: string; expiresAt: number; audience?: Audience | undefined },
    content: unknown,
    recipients: { deviceId: string; bundle?: PrekeyBundleWire }[],
    inboxKey: string | null,
  ): Promise<Result<Envelope>> {
    const device = this.device;
    if (!device || !this.#vault) return fail('no_key', 'open() was not called');
    const full: MessageMeta = { ...meta, from: this.#role, device: device.id };
    try {
      const targets: Recipient[] = recipients.map(({ deviceId, bundle }) => {
        const peer = this.#peers.get(deviceId);
        return { deviceId, ...(bundle ? { bundle: wireBundle(bundle) } : {}), ...(peer ? { trusted: peer } : {}) };
      });
      const body = await sealMessage(device, full, utf8(JSON.stringify(content)), targets, inboxKey ? fromBase64Url(inboxKey) : undefined);
      const envelope: Envelope = { v: 2, ...full, ...body };
      await this.#save([{ ...full, at: Date.now(), status: 'sending', content }], envelope);
      return ok(envelope);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'QuotaExceededError') return fail('storage_full', 'this browser’s storage for the site is full');
      return fail(error instanceof SessionError ? error.code : 'storage', error instanceof Error ? error.message : String(error));
    }
  }

  /** Decrypts an envelope into the history; a message already in it is returned as stored. */
  /** `input` is parsed in full here, the worker being the edge where envelopes are used. */
  decrypt(input: StoredEnvelope): Promise<Result<HistoryEntry>> {
    let envelope: StoredEnvelope;
    try {
      envelope = storedEnvelope(input, 'envelope');
    } catch (error) {
      return Promise.resolve(fail('decrypt_failed', `the envelope is malformed (${error instanceof Error ? error.message : String(error)})`));
    }
    return this.#exclusive(() => this.#decrypt(envelope), () => envelope.conversationId === this.#shown);
  }

  async #decrypt(envelope: StoredEnvelope): Promise<Result<HistoryEntry>> {
    const device = this.device;
    const vault = this.#vault;
    if (!device || !vault) return fail('no_key', 'open() was not called');
    const { conversationId, id, from, seq, at, expiresAt, audience } = envelope;
    // The expiry is bound into the message's associated data, so a relay cannot stretch it; this
    // device's own clock decides. Nothing of an ended conversation is opened or stored again.
    if (expiresAt <= Date.now()) return fail('expired', `conversation ${conversationId} ended on ${new Date(expiresAt).toISOString()}`);
    const known = await this.#sent(conversationId, id, seq, at);
    if (known) return ok(known);
    const sender = this.#peers.get(envelope.device);
    // Who said it comes from how it opens, never from the envelope's fields (the relay sets those):
    // an approved device's session or signature makes it that device's; a copy the relay sealed
    // (a messenger message, which it had in plaintext) is the customer's words on that messenger,
    // relayed, whatever `from` claims. `channel` is read only on that second path.
    const relayed = !sender && envelope.channel !== undefined;
    const entry: Omit<HistoryEntry, 'status' | 'content'> = relayed ? { conversationId, id, from: 'visitor', device: envelope.channel!, seq, at, expiresAt, channel: envelope.channel! } : { conversationId, id, from, device: envelope.device, seq, at, expiresAt, audience };
    const unreadable = async (code: CryptoErrorCode, reason: string): Promise<Result<HistoryEntry>> => {
      await this.#save([{ ...entry, status: 'unreadable', content: { code, reason } }]);
      return ok({ ...entry, status: 'unreadable', content: { code, reason } });
    };
    // Not stored: the caller may refresh the directory (a device approved a moment ago) and retry.
    if (!sender && !relayed) return fail('untrusted', `device ${envelope.device} is not a device the organisation approved`);
    if (sender && sender.role !== from) return fail('untrusted', `device ${envelope.device} is not an ${from}'s`);
    try {
      let plaintext: Bytes;
      if (relayed && envelope.sealed?.some((s) => s.to === device.id)) plaintext = await openSealedForDevice(device.id, device.keys.identity.keyPair, envelope, envelope);
      else if (sender && envelope.keys.some((k) => k.to === device.id)) plaintext = await openMessage(device, envelope, envelope, sender.identity);
      else if (this.org && envelope.inbox) plaintext = await openFromInbox(this.org.inboxKey, envelope, envelope, sender ? sender.signing : null);
      else return unreadable('no_session', 'the message was sent before this device was approved');
      const stored: HistoryEntry = { ...entry, status: 'sent', content: JSON.parse(fromUtf8(plaintext)) as unknown };
      await this.#save([stored]);
      return ok(stored);
    } catch (error) {
      // Not stored: a genuine copy may still arrive, and the session is untouched.
      return fail(error instanceof SessionError ? error.code : 'decrypt_failed', error instanceof Error ? error.message : String(error));
    }
  }

  /** The relay stored one of our messages (idempotent): it leaves the outbox, now with its sequence number. */
  acknowledge(conversationId: string, id: string, seq: number, at: number): Promise<HistoryEntry | undefined> {
    return this.#exclusive(() => this.#sent(conversationId, id, seq, at), always);
  }

  /** A message already in the history; our own one still sending becomes sent. */
  async #sent(conversationId: string, id: string, seq: number, at: number): Promise<HistoryEntry | undefined> {
    const known = await this.#vault?.historyEntry(conversationId, id, this.#atRest!);
    if (known?.status !== 'sending') return known;
    const sent: HistoryEntry = { ...known, seq, at, status: 'sent' };
    await this.#save([sent], undefined, id);
    return sent;
  }

  /** The relay refused one of our messages: it leaves the outbox and stays in the history as not sent. */
  failed(id: string, reason: string): Promise<HistoryEntry | undefined> {
    return this.#exclusive(async () => {
      const envelope = await this.#vault?.outgoing(id);
      const entry = envelope && (await this.#vault!.historyEntry(envelope.conversationId, id, this.#atRest!));
      if (entry?.status !== 'sending') return undefined;
      const failed: HistoryEntry = { ...entry, status: 'failed', content: { ...(entry.content as object), problem: reason } };
      await this.#save([failed], undefined, id);
      return failed;
    }, always);
  }

  /** Envelopes the relay has not acknowledged yet, in the order they were written. */
  async outbox(): Promise<Envelope[]> {
    return (await this.#vault?.outbox()) ?? [];
  }

  /** A small record kept with this device's keys (and shredded with them), e.g. the visitor's session. */
  async kept<T>(name: string): Promise<T | undefined> {
    return this.#vault?.get<T>('devices', 'kept', name);
  }

  async keep(name: string, value: unknown): Promise<void> {
    await this.#vault?.put('devices', value, 'kept', name);
  }

  async history(conversationId: string): Promise<Result<HistoryEntry[]>> {
    if (!this.#vault || !this.#atRest) return fail('no_key', 'open() was not called');
    return ok(await this.#vault.history(conversationId, this.#atRest));
  }

  // Files, safety numbers and approval codes are chunks of their own, loaded when first used: a
  // visitor's first message needs none of them.

  /** Encrypts a file under a fresh key. */
  async sealFile(plaintext: Uint8Array<ArrayBuffer>): Promise<{ ciphertext: Uint8Array<ArrayBuffer>; key: string; hash: string }> {
    const { sealFile } = await import('./attachments.ts');
    const sealed = await sealFile(plaintext);
    return { ciphertext: sealed.ciphertext, key: toBase64Url(sealed.key), hash: toBase64Url(sealed.hash) };
  }

  async openFile(ciphertext: Uint8Array<ArrayBuffer>, key: string, hash: string): Promise<Result<Uint8Array<ArrayBuffer>>> {
    const { openFile } = await import('./attachments.ts');
    try {
      return ok(await openFile(ciphertext, fromBase64Url(key), fromBase64Url(hash)));
    } catch (error) {
      return fail('decrypt_failed', error instanceof Error ? error.message : 'the file was altered');
    }
  }

  /**
   * The 60-digit safety number between a visitor device and the organisation. It covers both of the
   * device's keys (signing, then identity); the organisation key signs both of each agent device's.
   */
  async safetyNumber(visitor: { id: string; signingKey: string; identityKey: string }, orgKey: string, site: string): Promise<string> {
    const { safetyNumber } = await import('./fingerprint.ts');
    return safetyNumber({ key: concat(fromBase64Url(visitor.signingKey), fromBase64Url(visitor.identityKey)), id: visitor.id }, { key: fromBase64Url(orgKey), id: site });
  }

  /** The code a new agent device shows, to compare with the one its approver computes (this device's without `device`). */
  async approvalCode(device?: { id: string; signingKey: string; identityKey: string }): Promise<string> {
    const keys = device ?? this.#publicDevice();
    const { approvalCode } = await import('./fingerprint.ts');
    return approvalCode({ id: keys.id, signingKey: fromBase64Url(keys.signingKey), identityKey: fromBase64Url(keys.identityKey) });
  }

  /**
   * Crypto-shredding: deletes the conversation's history and the ratchet sessions with its visitor's
   * device (agents); a visitor deletes every key it holds for the site.
   */
  forget(conversationId: string, visitorDevice?: string): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#role === 'visitor') {
        await this.#vault?.forget(conversationId, true);
        this.device = undefined;
        this.#atRest = undefined;
        return;
      }
      await this.#vault?.forget(conversationId, false);
      if (visitorDevice && this.device) {
        this.device.forget(visitorDevice);
        this.#peers.delete(visitorDevice);
        this.#visitors.delete(visitorDevice);
        await this.#save();
      }
    });
  }

  /**
   * Crypto-shredding by this device's clock (an agent device that was closed at the expiry, or left
   * open): forgets every conversation whose earliest expiry bound into its messages has passed.
   * Returns the conversations forgotten.
   */
  shredExpired(): Promise<Result<string[]>> {
    return this.#exclusive(async () => {
      const ended = [...((await this.#vault?.expiries()) ?? [])].filter(([, { expiresAt }]) => expiresAt <= Date.now());
      for (const [conversationId, { visitor }] of ended) {
        await this.#vault!.forget(conversationId, false);
        if (visitor && this.device) {
          this.device.forget(visitor);
          this.#peers.delete(visitor);
          this.#visitors.delete(visitor);
        }
      }
      if (ended.length && this.device) await this.#save();
      return ok(ended.map(([conversationId]) => conversationId));
    });
  }

  #publicDevice(): DeviceKeys {
    const keys = this.device!.keys;
    const spk = this.device!.signedPrekey;
    return {
      id: keys.id,
      identityKey: toBase64Url(keys.identity.publicKey),
      signingKey: toBase64Url(keys.signing.publicKey),
      signedPrekey: { id: spk.id, publicKey: toBase64Url(spk.publicKey), signature: toBase64Url(spk.signature) },
    };
  }

  /** Persists what changed (sessions, device keys) with new history entries, in one transaction. */
  async #save(history: HistoryEntry[] = [], send?: Envelope, sent?: string): Promise<void> {
    const device = this.device!;
    const sessions = [...device.dirty].map((peer): [string, ReturnType<Device['sessions']['get']>] => [peer, device.sessions.get(peer)]);
    const generation = device.keysChanged || sessions.length ? randomId() : undefined;
    await this.#vault!.commit({ ...(device.keysChanged ? { device: { role: this.#role, keys: device.keys, atRest: this.#atRest! } } : {}), sessions, history, atRest: this.#atRest!, ...(send ? { send } : {}), ...(sent ? { sent } : {}), ...(generation ? { generation } : {}) });
    if (generation) this.#generation = generation;
    device.dirty.clear();
    device.keysChanged = false;
  }
}

const DIRECTORY_PROBLEMS: Record<DirectoryProblem, string> = {
  bad_signature: 'the key directory is not signed by the organisation key it names',
  pin_mismatch: 'the organisation key does not match the data-org-key pinned on this site',
  key_changed: 'the organisation key changed since this browser first trusted it',
  rollback: 'the relay offered an older key directory than one already seen',
  expired: 'the key directory has expired',
};
