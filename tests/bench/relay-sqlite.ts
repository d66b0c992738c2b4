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
import { b64, percentiles, type Percentiles } from './relay-load.ts';

/**
 * Rows committed per second for `seconds`, `batch` rows per transaction, and how long a commit
 * took (ms): with synchronous=FULL that is mostly the disk's sync, which every ack waits for.
 */
export function sqliteInsertRate(batch: number, seconds: number): { rowsPerSecond: number; commitMs: Percentiles } {
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
    const commits: number[] = [];
    const start = performance.now();
    for (let now = start; now - start < seconds * 1000; ) {
      commit(rows);
      rows += batch;
      commits.push(-now + (now = performance.now()));
    }
    return { rowsPerSecond: rows / ((performance.now() - start) / 1000), commitMs: percentiles(commits, commits.length) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
