/** How the browser tests and benchmarks start Chromium: Playwright's own if installed, else Debian's. */
import { existsSync } from 'node:fs';

const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH || existsSync(systemChromium) ? systemChromium : undefined,
  // A page fulfilled by page.route has no IP address space, so Chromium's local-network checks
  // would block its WebSocket to 127.0.0.1 (trust.spec serves the shop with a changed script tag).
  args: [
    '--disable-features=LocalNetworkAccessChecks',
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
