/**
 * The demo as `npm start` runs it (the built `demo-site/dist/start.js`: run `npm run build` first),
 * on a port and data directory of its own: the agent's password is printed once and stored nowhere,
 * and the shop's script tag pins the organisation key, as we recommend every business does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { passwordKeys } from '../../sdk/src/crypto/backup.ts';
import { orgFingerprint } from '../../sdk/src/crypto/directory.ts';
import { parseDirectoryText } from '../../sdk/src/protocol.ts';

/** A port free a moment ago (the demo prints its address from the port it is given). */
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address() as AddressInfo;
    probe.close(() => resolve(free));
  });
});
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'threadline-demo-'));
const start = fileURLToPath(new URL('../dist/start.js', import.meta.url));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the demo without THREADLINE_DEMO_PASSWORD; resolves with what it printed once it is up. */
async function startDemo(): Promise<{ child: ChildProcess; printed: string }> {
  const { THREADLINE_DEMO_PASSWORD: _, ...env } = process.env;
  const child = spawn(process.execPath, [start], { env: { ...env, PORT: String(port), HOST: '127.0.0.1', THREADLINE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] });
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk));
  for (;;) {
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    if (String(chunk).includes('Press Ctrl+C') || printed.includes('Press Ctrl+C')) return { child, printed };
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Every file under `dir`, with its bytes. */
const files = (dir: string): [string, Buffer][] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [[path, readFileSync(path)] as [string, Buffer]];
  });

describe('the demo', () => {
  it('prints the agent’s password once, stores it nowhere, and the printed one signs in', async () => {
    const first = await startDemo();
    const password = /sign in as agent@demo\.test \/ (\S+) {3}\(shown this once: it is not stored\)/.exec(first.printed)?.[1];
    expect(password).toBeDefined();
    const prelogin = (await (await fetch(`${base}/v1/agent/prelogin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"agent@demo.test"}' })).json()) as { salt: string; iterations: number };
    const { authKey } = await passwordKeys(password!, prelogin.salt, prelogin.iterations);
    const session = await fetch(`${base}/v1/agent/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent@demo.test', authKey }) });
    expect(session.status).toBe(200);
    await stop(first.child);
    for (const [path, bytes] of files(dataDir)) expect(bytes.includes(password!), path).toBe(false);

    const again = await startDemo();
    expect(again.printed).not.toContain(password);
    expect(again.printed).toContain('with the password printed when this data directory was made');
    await stop(again.child);
  }, 30_000);

  it('serves the shop with the organisation key pinned on its script tag', async () => {
    const demo = await startDemo();
    try {
      const config = (await (await fetch(`${base}/v1/sites/demo/config`)).json()) as { directory: { directory: string } };
      const fingerprint = await orgFingerprint(parseDirectoryText(config.directory.directory).orgKey);
      const shop = await fetch(`${base}/`);
      expect(shop.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await shop.text();
      expect(/<script\b[^>]*\sdata-site="demo"[^>]*>/.exec(html)?.[0]).toContain(` data-org-key="${fingerprint}"`);
    } finally {
      await stop(demo.child);
    }
  }, 30_000);
});
