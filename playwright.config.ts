import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOptions } from './tests/chromium.ts';

// Each run gets a fresh relay data directory; workers inherit it through the environment.
process.env.THREADLINE_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'threadline-e2e-'));
process.env.THREADLINE_E2E_PASSWORD ??= 'correct horse battery staple';
const port = Number(process.env.THREADLINE_E2E_PORT ?? 8797);

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions,
  },
  webServer: {
    command: 'node scripts/start.mjs',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      THREADLINE_DATA_DIR: process.env.THREADLINE_E2E_DATA_DIR,
      THREADLINE_DEMO_PASSWORD: process.env.THREADLINE_E2E_PASSWORD,
    },
  },
});
