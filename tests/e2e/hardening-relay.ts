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
  /** SIGTERM, then the exit code (0 when it drained and closed cleanly); the data directory goes. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash: the data directory stays, for a restart on it. */
  kill(): Promise<void>;
}

/** Starts the demo relay on `port`, on a fresh data directory or on `dataDir` (a restart). */
export async function startOwnRelay(port: number, env: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), 'threadline-own-relay-'))): Promise<OwnRelay> {
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
    async kill() {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
