/**
 * The demo on PostgreSQL (the built `demo-site/dist/start.js`: run `npm run build` first): two demo
 * relays started at the same moment on one database, on two ports, seed it once and form one
 * service — the agent signs in on either with the password the seeding one printed, and a visitor
 * registered on one is served on the other. PostgreSQL is a real server this file starts itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordKeys } from '../../sdk/src/crypto/backup.ts';
import { startTestPostgres, type TestPostgres } from '../../server/src/storage/postgres/test-server.ts';
import { device, openSocket } from '../../server/src/test-relay.ts';

const start = fileURLToPath(new URL('../dist/start.js', import.meta.url));
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

let postgres: TestPostgres;
let databaseUrl: string;
const dataDir = mkdtempSync(join(tmpdir(), 'threadline-demo-pg-'));
beforeAll(async () => {
  postgres = await startTestPostgres();
  databaseUrl = await postgres.createDatabase();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the demo on `port` and the database; resolves with what it printed once it is up. */
async function startDemo(port: number): Promise<{ child: ChildProcess; printed: string }> {
  const { THREADLINE_DEMO_PASSWORD: _, ...env } = process.env;
  const child = spawn(process.execPath, [start], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', THREADLINE_DATA_DIR: dataDir, THREADLINE_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk));
  while (!printed.includes('Press Ctrl+C')) await once(child.stdout!, 'data');
  return { child, printed };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

describe('the demo on PostgreSQL', () => {
  it('seeds the database once when two relays start on it together, and the two form one service', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const [a, b] = await Promise.all([startDemo(portA), startDemo(portB)]);
    try {
      const shown = [a, b].map((demo) => /sign in as agent@demo\.test \/ (\S+) {3}\(shown this once: it is not stored\)/.exec(demo.printed)?.[1]);
      expect(shown.filter(Boolean)).toHaveLength(1); // one seeded, and printed the password
      expect([a, b].filter((demo) => demo.printed.includes('with the password printed when this database was seeded'))).toHaveLength(1);
      expect(a.printed).toContain('data in PostgreSQL at 127.0.0.1:');
      const password = shown.find(Boolean)!;

      for (const port of [portA, portB]) {
        const base = `http://127.0.0.1:${port}`;
        const prelogin = (await (await fetch(`${base}/v1/agent/prelogin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"agent@demo.test"}' })).json()) as { salt: string; iterations: number };
        const { authKey } = await passwordKeys(password, prelogin.salt, prelogin.iterations);
        const session = await fetch(`${base}/v1/agent/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent@demo.test', authKey }) });
        expect(session.status, base).toBe(200);
      }

      // A visitor registered on A holds a session B knows.
      const registered = await fetch(`http://127.0.0.1:${portA}/v1/sites/demo/visitors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: device(), retention: '24h' }) });
      expect(registered.status).toBe(200);
      const { token } = (await registered.json()) as { token: string };
      const socket = await openSocket(`127.0.0.1:${portB}`);
      socket.send({ type: 'hello', token });
      expect(await socket.next()).toEqual({ type: 'welcome', role: 'visitor' });
      socket.socket.close();
    } finally {
      await Promise.all([stop(a.child), stop(b.child)]);
    }
    expect(readdirSync(dataDir)).toEqual([]); // everything is in the database

    // Started again, it finds the demo seeded.
    const again = await startDemo(portA);
    expect(again.printed).toContain('with the password printed when this database was seeded');
    await stop(again.child);
  }, 120_000);
});
