import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Each run gets a fresh relay data directory; workers inherit it through the environment.
process.env.THREADLINE_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'threadline-e2e-'));
process.env.THREADLINE_E2E_PASSWORD ??= 'correct horse battery staple';
const port = Number(process.env.THREADLINE_E2E_PORT ?? 8797);

// Playwright's own Chromium when installed, else the system's (Debian's `chromium`).
const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = process.env.CHROMIUM_PATH || existsSync(systemChromium) ? systemChromium : undefined;

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
    launchOptions: {
      executablePath,
      // A page fulfilled by page.route has no IP address space, so Chromium's local-network checks
      // would block its WebSocket to 127.0.0.1 (trust.spec serves the shop with a changed script tag).
      args: ['--disable-features=LocalNetworkAccessChecks', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
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
