/**
 * Encrypted attachment blobs, one file per blob under `<data-dir>/blobs/<conversation>/`. The relay
 * only ever sees ciphertext; it enforces a size limit while streaming, before anything is kept.
 */
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync, writeFileSync, type ReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { HttpError, voice } from './responses.ts';

export const DEFAULT_MAX_BLOB_BYTES = 25 * 1024 * 1024;

export class Blobs {
  readonly #dir: string;

  constructor(
    dataDir: string,
    readonly maxBytes = DEFAULT_MAX_BLOB_BYTES,
  ) {
    this.#dir = join(dataDir, 'blobs');
  }

  #path(conversationId: string, blobId: string): string {
    return join(this.#dir, conversationId, blobId);
  }

  /**
   * Streams a request body into a blob; 413 past the size limit, or `overRoom()` past `room` (the
   * storage quota left), with nothing kept; 409 if it exists.
   */
  async write(conversationId: string, blobId: string, req: IncomingMessage, room = Infinity, overRoom?: () => HttpError): Promise<number> {
    const tooLarge = () =>
      new HttpError(413, 'too_large', voice('store the attachment', `it is over the limit of ${Math.round(this.maxBytes / 1024 / 1024)} MB`, 'Send a smaller file.'));
    const refuse = (size: number) => (size > this.maxBytes ? tooLarge() : overRoom && size > room ? overRoom() : null);
    const declared = refuse(Number(req.headers['content-length'] ?? 0));
    if (declared) throw declared;
    const target = this.#path(conversationId, blobId);
    if (statSync(target, { throwIfNoEntry: false })) throw new HttpError(409, 'conflict', voice('store the attachment', 'a blob with this id exists', 'Upload under a new id.'));
    mkdirSync(join(this.#dir, conversationId), { recursive: true });
    const partial = `${target}.part`;
    let size = 0;
    const limit = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        size += chunk.length;
        done(refuse(size), chunk);
      },
    });
    try {
      await pipeline(req, limit, createWriteStream(partial));
    } catch (error) {
      rmSync(partial, { force: true });
      throw error instanceof HttpError ? error : new HttpError(400, 'bad_frame', voice('store the attachment', 'the upload was interrupted', 'Try again.'));
    }
    renameSync(partial, target);
    return size;
  }

  /** Keeps ciphertext the relay sealed itself (an attachment from a messenger). */
  put(conversationId: string, blobId: string, ciphertext: Uint8Array): void {
    const target = this.#path(conversationId, blobId);
    mkdirSync(join(this.#dir, conversationId), { recursive: true });
    writeFileSync(`${target}.part`, ciphertext);
    renameSync(`${target}.part`, target);
  }

  read(conversationId: string, blobId: string): { stream: ReadStream; size: number } | undefined {
    const path = this.#path(conversationId, blobId);
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats?.isFile() ? { stream: createReadStream(path), size: stats.size } : undefined;
  }

  deleteConversation(conversationId: string): void {
    rmSync(join(this.#dir, conversationId), { recursive: true, force: true });
  }
}
