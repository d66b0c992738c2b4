/**
 * A demo relay of a spec's own (its own port, data directory and settings: a test clock, tighter
 * rate limits), so what the spec changes cannot reach the other specs' relay.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OwnRelay {
  base: string;
  dataDir: string;
  password: string;
  /** SIGTERM, then the exit code (0 when it drained and closed cleanly). */
  stop(): Promise<number | null>;
}

export async function startOwnRelay(port: number, env: Record<string, string>): Promise<OwnRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-own-relay-'));
  const password = 'own relay password';
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', THREADLINE_DATA_DIR: dataDir, THREADLINE_DEMO_PASSWORD: password, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 300 || child.exitCode !== null) throw new Error(`the relay on port ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    base,
    dataDir,
    password,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
