/**
 * The agents' crypto worker: everything the visitor's does, and the steps only the console takes
 * (the team's saved replies). A worker of its own, so none of it is in what a visitor downloads.
 */
import type { SealedSavedReplies } from '../protocol.ts';
import { SessionError } from './device.ts';
import { fromUtf8, utf8 } from './encoding.ts';
import { openSavedReplies, sealSavedReplies } from './saved-replies.ts';
import { CryptoService, fail, ok, type Result } from './service.ts';

const notReady = () => fail('no_key', 'open() and trust() must come first', 'Sign in again.');

export class AgentCryptoService extends CryptoService {
  /** Seals the saved replies (any JSON value) as `version` for the directory's devices and the inbox key. */
  async sealSavedReplies(version: number, replies: unknown): Promise<Result<SealedSavedReplies>> {
    if (!this.device || !this.directory) return notReady();
    return ok(await sealSavedReplies(this.device, this.directory, version, utf8(JSON.stringify(replies))));
  }

  /** Opens version `version` of the saved replies, signed by a device of the current directory. */
  async openSavedReplies(version: number, sealed: SealedSavedReplies): Promise<Result<unknown>> {
    if (!this.device || !this.directory) return notReady();
    try {
      return ok(JSON.parse(fromUtf8(await openSavedReplies(this.device, this.org, this.directory, version, sealed))) as unknown);
    } catch (error) {
      const code = error instanceof SessionError ? error.code : 'decrypt_failed';
      return fail(code, error instanceof Error ? error.message : String(error), 'Ask another agent to save the replies again; if it persists, the relay may have changed them.');
    }
  }
}
