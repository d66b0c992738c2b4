/** Starts the demo (relay + shop + console) on a fresh data directory for a benchmark. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startDemo(port: number): Promise<{ base: string; stop(): void }> {
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-bench-'));
  const relay = spawn('node', ['scripts/start.mjs'], { env: { ...process.env, PORT: String(port), THREADLINE_DATA_DIR: dataDir, THREADLINE_DEMO_PASSWORD: 'bench-password' }, stdio: 'ignore' });
  const stop = () => {
    relay.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; (await fetch(`${base}/healthz`).catch(() => null))?.ok !== true; i++) {
    if (i > 100) {
      stop();
      throw new Error('the demo relay did not start');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, stop };
}

/** Merges `section` into tests/bench/report.json. */
export function report(section: string, value: unknown): void {
  const file = new URL('./report.json', import.meta.url);
  let previous = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as object;
  } catch {}
  writeFileSync(file, JSON.stringify({ ...previous, [section]: value }, null, 2));
}
