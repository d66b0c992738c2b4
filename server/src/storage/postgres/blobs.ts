/**
 * Encrypted attachment blobs in PostgreSQL: each blob is a row, its bytes rows of chunks (bytea) of
 * at most 256 KB, written in one transaction while the upload streams in, so relays sharing the
 * database share the blobs and an interrupted upload leaves nothing.
 */
import type pg from 'pg';
import { Readable } from 'node:stream';
import { BlobExistsError, keepErrors, type BlobStore } from '../blobs.ts';

const CHUNK_BYTES = 256 * 1024;

export class PostgresBlobStore implements BlobStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly transaction: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
  ) {}

  async exists(conversationId: string, blobId: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM blobs WHERE conversation_id = $1 AND id = $2', [conversationId, blobId])).rowCount ?? 0) > 0;
  }

  put(conversationId: string, blobId: string, body: Readable): Promise<number> {
    keepErrors(body);
    return this.transaction(async (client) => {
      const claimed = await client.query('INSERT INTO blobs (conversation_id, id, size) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [conversationId, blobId]);
      if (claimed.rowCount === 0) {
        body.destroy();
        throw new BlobExistsError();
      }
      let size = 0;
      let n = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const write = async (chunk: Buffer) => {
        await client.query('INSERT INTO blob_chunks (conversation_id, blob_id, n, data) VALUES ($1, $2, $3, $4)', [conversationId, blobId, n++, chunk]);
      };
      for await (const piece of body as AsyncIterable<Buffer>) {
        size += piece.length;
        pending.push(piece);
        pendingBytes += piece.length;
        while (pendingBytes >= CHUNK_BYTES) {
          const joined = Buffer.concat(pending);
          await write(joined.subarray(0, CHUNK_BYTES));
          pending = [joined.subarray(CHUNK_BYTES)];
          pendingBytes = joined.length - CHUNK_BYTES;
        }
      }
      if (pendingBytes > 0) await write(Buffer.concat(pending));
      await client.query('UPDATE blobs SET size = $1 WHERE conversation_id = $2 AND id = $3', [size, conversationId, blobId]);
      return size;
    });
  }

  async get(conversationId: string, blobId: string): Promise<{ stream: Readable; size: number } | undefined> {
    const found = await this.pool.query<{ size: number; chunks: number }>(
      'SELECT size, (SELECT count(*) FROM blob_chunks WHERE conversation_id = $1 AND blob_id = $2) AS chunks FROM blobs WHERE conversation_id = $1 AND id = $2',
      [conversationId, blobId],
    );
    const blob = found.rows[0];
    if (!blob) return undefined;
    const pool = this.pool;
    // Chunk by chunk, so a 25 MB attachment never sits whole in the relay's memory.
    async function* chunks() {
      for (let n = 0; n < blob!.chunks; n++) {
        const row = await pool.query<{ data: Buffer }>('SELECT data FROM blob_chunks WHERE conversation_id = $1 AND blob_id = $2 AND n = $3', [conversationId, blobId, n]);
        if (row.rows[0]) yield row.rows[0].data;
      }
    }
    return { stream: Readable.from(chunks()), size: blob.size };
  }

  async deleteConversation(conversationId: string): Promise<void> {
    await this.pool.query('DELETE FROM blobs WHERE conversation_id = $1', [conversationId]);
  }
}
