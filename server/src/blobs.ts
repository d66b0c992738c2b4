/**
 * Attachment uploads over HTTP: the relay enforces a size limit (and the storage quota left) while
 * streaming, before anything is kept, then hands the bytes to the storage's blob store.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError, voice } from './responses.ts';
import { BlobExistsError, type BlobStore } from './storage/blobs.ts';

export const DEFAULT_MAX_BLOB_BYTES = 25 * 1024 * 1024;

export class Blobs {
  constructor(
    readonly store: BlobStore,
    readonly maxBytes = DEFAULT_MAX_BLOB_BYTES,
  ) {}

  /**
   * Streams a request body into a blob; 413 past the size limit, or `overRoom()` past `room` (the
   * storage quota left), with nothing kept; 409 if it exists.
   */
  async write(conversationId: string, blobId: string, req: IncomingMessage, room = Infinity, overRoom?: () => HttpError): Promise<number> {
    const tooLarge = () =>
      new HttpError(413, 'too_large', voice('store the attachment', `it is over the limit of ${Math.round(this.maxBytes / 1024 / 1024)} MB`, 'Send a smaller file.'));
    const exists = () => new HttpError(409, 'conflict', voice('store the attachment', 'a blob with this id exists', 'Upload under a new id.'));
    const refuse = (size: number) => (size > this.maxBytes ? tooLarge() : overRoom && size > room ? overRoom() : null);
    const declared = refuse(Number(req.headers['content-length'] ?? 0));
    if (declared) throw declared;
    if (await this.store.exists(conversationId, blobId)) throw exists();
    let size = 0;
    const limit = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        size += chunk.length;
        done(refuse(size), chunk);
      },
    });
    // The request flows through the limit into the store; a broken-off upload destroys the limit with an error, which the store sees.
    const piping = pipeline(req, limit).catch(() => undefined);
    try {
      return await this.store.put(conversationId, blobId, limit);
    } catch (error) {
      limit.destroy();
      await piping;
      if (error instanceof BlobExistsError) throw exists();
      throw error instanceof HttpError ? error : new HttpError(400, 'bad_frame', voice('store the attachment', 'the upload was interrupted', 'Try again.'));
    }
  }

  /** Keeps ciphertext the relay sealed itself (an attachment from a messenger). */
  async put(conversationId: string, blobId: string, ciphertext: Uint8Array): Promise<void> {
    await this.store.put(conversationId, blobId, Readable.from([Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength)]));
  }

  read(conversationId: string, blobId: string) {
    return this.store.get(conversationId, blobId);
  }
}
