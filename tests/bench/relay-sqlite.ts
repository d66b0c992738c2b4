/**
 * The relay benchmark's storage baseline: raw better-sqlite3 inserts of envelope-sized rows into a
 * table shaped like the relay's (rows in arrival order, unique by conversation and sequence number
 * and by conversation and client id), with the relay's settings (WAL, synchronous=FULL), committed
 * one row per transaction and in batches. Nothing else runs: this is what the disk allows.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64 } from './relay-load.ts';

/** Rows committed per second for `seconds`, `batch` rows per transaction. */
export function sqliteInsertRate(batch: number, seconds: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-bench-sqlite-'));
  const db = new Database(join(dir, 'bench.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE envelopes (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL,
      UNIQUE (conversation_id, seq), UNIQUE (conversation_id, id))`);
    const insert = db.prepare('INSERT INTO envelopes (conversation_id, seq, id, body, at) VALUES (?, ?, ?, ?, ?)');
    const commit = db.transaction((from: number) => {
      for (let n = from; n < from + batch; n++) insert.run(`c${n % 10_000}`, n, `m${n}`, body, Date.now());
    });
    const body = b64(750);
    let rows = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) {
      commit(rows);
      rows += batch;
    }
    return rows / ((performance.now() - start) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
