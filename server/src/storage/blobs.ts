/**
 * Encrypted attachment blobs (the relay only ever sees ciphertext), by conversation. The data
 * directory keeps them for SQLite; PostgreSQL keeps them in its own table (storage/postgres/blobs.ts),
 * so relays sharing one database need nothing else.
 */
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Holds an upload's error until the store reads the stream (its pipeline or loop then throws it):
 * without a listener, a body that fails while the store awaits the database would crash the process.
 */
export const keepErrors = (body: Readable): void => void body.on('error', () => {});

/** A blob with this id exists in this conversation already. */
export class BlobExistsError extends Error {}

export interface BlobStore {
  exists(conversationId: string, blobId: string): Promise<boolean>;
  /**
   * Stores the bytes `body` yields as one blob, all or nothing: when `body` fails (the upload broke
   * off, or a size limit threw), nothing is kept and the error is thrown. Rejects with
   * BlobExistsError when the id is taken. Resolves with the size stored.
   */
  put(conversationId: string, blobId: string, body: Readable): Promise<number>;
  get(conversationId: string, blobId: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Deletes every blob of a conversation (it expired). */
  deleteConversation(conversationId: string): Promise<void>;
}

/** One file per blob under `<data-dir>/blobs/<conversation>/`. */
export class FileBlobStore implements BlobStore {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'blobs');
  }

  #path(conversationId: string, blobId: string): string {
    return join(this.#dir, conversationId, blobId);
  }

  async exists(conversationId: string, blobId: string): Promise<boolean> {
    return statSync(this.#path(conversationId, blobId), { throwIfNoEntry: false }) !== undefined;
  }

  async put(conversationId: string, blobId: string, body: Readable): Promise<number> {
    keepErrors(body);
    const target = this.#path(conversationId, blobId);
    if (await this.exists(conversationId, blobId)) throw new BlobExistsError();
    mkdirSync(join(this.#dir, conversationId), { recursive: true });
    const partial = `${target}.part`;
    let size = 0;
    body.on('data', (chunk: Buffer) => (size += chunk.length));
    try {
      await pipeline(body, createWriteStream(partial));
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    renameSync(partial, target);
    return size;
  }

  async get(conversationId: string, blobId: string): Promise<{ stream: Readable; size: number } | undefined> {
    const path = this.#path(conversationId, blobId);
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats?.isFile() ? { stream: createReadStream(path), size: stats.size } : undefined;
  }

  async deleteConversation(conversationId: string): Promise<void> {
    rmSync(join(this.#dir, conversationId), { recursive: true, force: true });
  }
}
