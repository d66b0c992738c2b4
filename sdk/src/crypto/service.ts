/**
 * What the crypto worker does, as a plain class so it can be tested without a worker.
 * Keys are created here, kept in IndexedDB and never returned; callers get public keys,
 * envelopes and plaintext. Failures come back as values (`Result`) because errors thrown across
 * a worker boundary lose their class and code.
 */
import type { Envelope, KeyBackup, Role } from '../protocol.ts';
import { createInboxKey, passwordKeys, restoreInboxKey } from './backup.ts';
import { fromBase64Url } from './encoding.ts';
import { deleteKey, loadKey, saveKey } from './keystore.ts';
import { deriveConversationKey, exportPublicKey, generateIdentity, open, seal } from './scheme.ts';

export type CryptoErrorCode = 'no_key' | 'bad_key' | 'decrypt_failed' | 'wrong_password' | 'storage';
export type Result<T> = { ok: true; value: T } | { ok: false; code: CryptoErrorCode; reason: string };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (code: CryptoErrorCode, reason: string): Result<never> => ({ ok: false, code, reason });

export class CryptoService {
  #role: Role = 'visitor';
  #scope = '';
  #own: CryptoKeyPair | undefined;
  #wrapKey: CryptoKey | undefined;
  readonly #conversations = new Map<string, Promise<CryptoKey>>();

  #keyName = () => `${this.#scope}:${this.#role}`;

  /** Loads the visitor's identity for `scope`, creating it on first use. Returns its public key. */
  async visitorIdentity(scope: string): Promise<Result<string>> {
    this.#reset('visitor', scope);
    try {
      let keyPair = await loadKey(this.#keyName());
      if (!keyPair) {
        keyPair = await generateIdentity();
        await saveKey(this.#keyName(), keyPair);
      }
      this.#own = keyPair;
      return ok(await exportPublicKey(keyPair.publicKey));
    } catch (error) {
      return fail('storage', String(error));
    }
  }

  /** Derives an agent's keys from the password; returns the auth key the relay checks. */
  async unlock(password: string, salt: string, iterations: number): Promise<Result<string>> {
    this.#reset('agent', '');
    try {
      const keys = await passwordKeys(password, salt, iterations);
      this.#wrapKey = keys.wrapKey;
      return ok(keys.authKey);
    } catch (error) {
      return fail('bad_key', String(error));
    }
  }

  /** Opens the organisation's inbox key from its backup (after `unlock`). Returns the public key. */
  async restoreInboxKey(scope: string, backup: KeyBackup): Promise<Result<string>> {
    if (!this.#wrapKey) return fail('no_key', 'unlock() was not called');
    this.#reset('agent', scope);
    let keyPair: CryptoKeyPair;
    try {
      keyPair = await restoreInboxKey(this.#wrapKey, backup);
    } catch {
      return fail('wrong_password', 'the key backup does not open with this password');
    }
    return this.#adopt(keyPair, backup.publicKey);
  }

  /** Creates the organisation's inbox key (first agent, after `unlock`); returns its backup. */
  async createInboxKey(scope: string): Promise<Result<KeyBackup>> {
    if (!this.#wrapKey) return fail('no_key', 'unlock() was not called');
    this.#reset('agent', scope);
    const { keyPair, backup } = await createInboxKey(this.#wrapKey);
    const adopted = await this.#adopt(keyPair, backup.publicKey);
    return adopted.ok ? ok(backup) : adopted;
  }

  /** Loads the inbox key this device already holds (after a reload). */
  async resumeInboxKey(scope: string): Promise<Result<string>> {
    this.#reset('agent', scope);
    const keyPair = await loadKey(this.#keyName()).catch(() => undefined);
    if (!keyPair) return fail('no_key', 'this device holds no inbox key');
    this.#own = keyPair;
    return ok(await exportPublicKey(keyPair.publicKey));
  }

  /** Deletes this device's key for the current scope (sign out, forget me). */
  async forget(): Promise<void> {
    await deleteKey(this.#keyName());
    this.#wrapKey = undefined;
    this.#reset(this.#role, this.#scope);
  }

  /** Prepares the key of one conversation, shared with the peer's public key. */
  async openConversation(conversationId: string, peerKey: string): Promise<Result<void>> {
    const own = this.#own;
    if (!own) return fail('no_key', 'no identity is loaded');
    try {
      if (fromBase64Url(peerKey).length !== 32) throw new Error('not 32 bytes');
    } catch {
      return fail('bad_key', 'the peer public key is not a 32-byte base64url X25519 key');
    }
    const key = deriveConversationKey(own.privateKey, peerKey, conversationId);
    key.catch(() => this.#conversations.delete(conversationId));
    this.#conversations.set(conversationId, key);
    try {
      await key;
      return ok(undefined);
    } catch (error) {
      return fail('bad_key', `the peer public key was refused (${String(error)})`);
    }
  }

  async encrypt(conversationId: string, id: string, plaintext: Uint8Array<ArrayBuffer>): Promise<Result<Envelope>> {
    const key = this.#conversations.get(conversationId);
    if (!key) return fail('no_key', `conversation ${conversationId} is not open`);
    return ok(await seal(await key, { conversationId, id, from: this.#role }, plaintext));
  }

  async decrypt(envelope: Envelope): Promise<Result<Uint8Array>> {
    const key = this.#conversations.get(envelope.conversationId);
    if (!key) return fail('no_key', `conversation ${envelope.conversationId} is not open`);
    try {
      return ok(await open(await key, envelope));
    } catch {
      return fail('decrypt_failed', 'the message was altered, or was not encrypted for this conversation');
    }
  }

  async #adopt(keyPair: CryptoKeyPair, publicKey: string): Promise<Result<string>> {
    try {
      await saveKey(this.#keyName(), keyPair);
    } catch (error) {
      return fail('storage', String(error));
    }
    this.#own = keyPair;
    return ok(publicKey);
  }

  #reset(role: Role, scope: string): void {
    this.#role = role;
    this.#scope = scope;
    this.#own = undefined;
    this.#conversations.clear();
  }
}
