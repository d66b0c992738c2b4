/**
 * `npm start`: the relay, the console, the widget and this demo shop, with an embedded SQLite file.
 * As on a real business's website, the shop and the chat's frame are on different sites: the shop
 * at `http://127.0.0.1:PORT/`, the frame at `http://localhost:PORT/frame/` (the same relay), so a
 * script on the shop's page cannot reach the conversation. On first start it seeds the demo business and its first agent the way the
 * console would (keys made and wrapped here, only public halves and the backup stored).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionOrganisation } from '@threadline/sdk/setup';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, createRelay, defaultMounts, readConfig, readLimits, readTestClock, readTrustProxy, shutdownOnSignals, type SiteChannels, type Store, type TestClock } from '@threadline/server';
import { createSimulator, DEMO_TOKENS } from './simulator.ts';

const SITE = 'demo';
const AGENT = 'agent@demo.test';
/** The demo business's messenger accounts (the simulator plays all three). */
const CHANNELS: SiteChannels = {
  whatsapp: { phone: '15550001111', account: '106540352242922' },
  messenger: { page: 'northwind.demo', account: '1234567890' },
  instagram: { username: 'northwind.demo', account: '17841400000000001' },
};
const SHOP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; worker-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/** The shop's pages with the chat: Threadline needs only `script-src` (the loader) and `frame-src` (the frame). */
const chatPageCsp = (frameOrigin: string) =>
  `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src ${frameOrigin}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;

/** The chat's frame origin for a shop served at `base`: the same relay under its other loopback name, else the same origin. */
function frameOriginFor(base: string): string {
  const url = new URL(base);
  if (url.hostname === '127.0.0.1') url.hostname = 'localhost';
  else if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  return url.origin;
}

/**
 * The shop's pages that carry the chat, with the frame's origin written into the script tag (and the
 * element) as a business would paste it: `data-frame-origin`.
 */
function shopPages(dir: string) {
  const pages: Record<string, string> = { '/': 'index.html', '/index.html': 'index.html', '/component.html': 'component.html' };
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const page = pages[url.pathname];
    if (!page || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    // From the address the shop was reached at (a proxy in front keeps its own port).
    const origin = frameOriginFor(`http://${req.headers.host ?? 'localhost'}`);
    const html = readFileSync(join(dir, page), 'utf8')
      .replace('data-site="demo"', `data-site="demo" data-frame-origin="${origin}"`)
      .replace('<threadline-chat site="demo"', `<threadline-chat site="demo" frame-origin="${origin}"`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-security-policy': chatPageCsp(origin), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    res.end(req.method === 'HEAD' ? undefined : html);
    return true;
  };
}
/** The demo's Meta app secret: the simulator signs webhooks with it as Meta would. */
const APP_SECRET = 'demo-app-secret';

/**
 * The demo agent's password: THREADLINE_DEMO_PASSWORD, else the one made on first start. It is kept
 * in the data directory only so the demo can print it every time; a real deployment has no such file.
 */
function demoPassword(dataDir: string): string {
  const file = join(dataDir, 'demo-password.txt');
  if (process.env.THREADLINE_DEMO_PASSWORD) return process.env.THREADLINE_DEMO_PASSWORD;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(9).toString('base64url');
  writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

async function seed(store: Store, password: string): Promise<void> {
  if (store.site(SITE)) return;
  const org = await provisionOrganisation(SITE, password);
  store.createSite(SITE, 'Northwind Outfitters');
  store.setOrgKey(SITE, org.keyBackup.orgKey.publicKey);
  store.setDirectory(SITE, org.directory, 1, []);
  await store.createAgent({ site: SITE, email: AGENT, name: 'Alex', role: 'admin', salt: org.salt, iterations: org.iterations, authKey: org.authKey, keyBackup: org.keyBackup });
  store.setChannels(SITE, CHANNELS);
}

/**
 * The shop's own origins: the demo's chat may be used from its pages only (re-added on every start),
 * plus those in `THREADLINE_DEMO_ORIGINS` (comma-separated: the shop's address behind a proxy).
 * On a wildcard address the shop's origin is whatever name reaches this machine, so none is added.
 */
function seedOrigins(store: Store, host: string, port: number): void {
  const extra = (process.env.THREADLINE_DEMO_ORIGINS ?? '').split(',').filter(Boolean);
  if (host === '0.0.0.0' || host === '::') return;
  const hosts = ['127.0.0.1', 'localhost', '::1'].includes(host) ? ['127.0.0.1', 'localhost'] : [host.includes(':') ? `[${host}]` : host];
  const own = [...hosts.map((name) => `http://${name}:${port}`), ...extra];
  const current = store.origins(SITE);
  store.setOrigins(SITE, [...current, ...own.filter((origin) => !current.includes(origin))]);
}

/** `POST /test/clock {"advanceMs": n}` moves the relay's clock forward and sweeps; only with THREADLINE_TEST_CLOCK=1. */
function clockHandler(clock: TestClock, sweep: () => number) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/test/clock' || req.method !== 'POST') return false;
    let text = '';
    for await (const chunk of req as AsyncIterable<Buffer>) if ((text += String(chunk)).length > 1024) break;
    const advanceMs = Number(/"advanceMs"\s*:\s*(\d+)/.exec(text)?.[1] ?? 0);
    clock.advance(advanceMs);
    const swept = sweep();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ now: clock.now(), swept }));
    return true;
  };
}

try {
  const env = { ...process.env, THREADLINE_PORT: process.env.PORT ?? process.env.THREADLINE_PORT, THREADLINE_HOST: process.env.HOST ?? process.env.THREADLINE_HOST };
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const config = readConfig(process.argv.slice(2), env, { dataDir: join(root, '.threadline-data') });
  const site = fileURLToPath(new URL('../public', import.meta.url));
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const clock = readTestClock(process.env, config.host);
  const handlers = [createSimulator({ appSecret: APP_SECRET, accounts: CHANNELS }), shopPages(site)];
  const relay = createRelay({
    dataDir: config.dataDir,
    ...(clock ? { now: clock.now } : {}),
    limits: readLimits(process.env),
    trustProxy: readTrustProxy(process.env),
    // The shop is served as strictly as a careful business would: no inline script or style at all.
    mounts: [...defaultMounts(), { prefix: '/', dir: site, headers: { 'content-security-policy': SHOP_CSP } }],
    meta: { appSecret: APP_SECRET, verifyToken: 'demo-verify-token', graphUrl: `${base}/simulator/graph`, tokens: DEMO_TOKENS },
    handlers,
  });
  if (clock) handlers.push(clockHandler(clock, relay.sweep));
  const password = demoPassword(config.dataDir);
  await seed(relay.store, password);
  const address = await relay.listen(config.port, config.host);
  seedOrigins(relay.store, config.host, address.port);
  console.log(`
Threadline demo is running (data in ${config.dataDir})
  shop (visitor):  ${base}/   (the chat runs in a frame on ${frameOriginFor(base)})
  agent console:   ${base}/console/   sign in as ${AGENT} / ${password}
  channel simulator (WhatsApp, Messenger, Instagram): ${base}/simulator/
  relay health:    ${base}/healthz
Press Ctrl+C to stop.`);
  shutdownOnSignals(relay);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
