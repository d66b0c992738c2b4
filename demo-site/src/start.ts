/**
 * `npm start`: the relay, the console, the widget and this demo shop, with an embedded SQLite file
 * (or the PostgreSQL database in THREADLINE_DATABASE_URL, which several demo relays may share).
 * As on a real business's website, the shop and the chat's frame are on different sites: the shop
 * at `http://127.0.0.1:PORT/`, the frame at `http://localhost:PORT/frame/` (the same relay), so a
 * script on the shop's page cannot reach the conversation. On first start it seeds the demo business and its first agent the way the
 * console would (keys made and wrapped here, only public halves and the backup stored).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { orgFingerprint, provisionOrganisation } from '@threadline/sdk/setup';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, createLogger, storageLabel, createRelay, defaultMounts, readConfig, readLimits, readMetricsToken, readTestClock, readTrustProxy, shutdownOnSignals, type SiteChannels, type Storage, type TestClock } from '@threadline/server';
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
 * The shop's pages that carry the chat, with the script tag (and the element) as we recommend a
 * business writes it: the frame's origin (`data-frame-origin`) and the organisation key pinned
 * (`data-org-key`; the demo's seed knows the key, so the shop shows that setup).
 */
function shopPages(store: Storage, dir: string) {
  const pages: Record<string, string> = { '/': 'index.html', '/index.html': 'index.html', '/component.html': 'component.html' };
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const page = pages[url.pathname];
    if (!page || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    // From the address the shop was reached at (a proxy in front keeps its own port).
    const origin = frameOriginFor(`http://${req.headers.host ?? 'localhost'}`);
    const orgKey = (await store.site(SITE))?.orgKey;
    const pin = orgKey ? ` data-org-key="${await orgFingerprint(orgKey)}"` : '';
    const html = readFileSync(join(dir, page), 'utf8')
      .replace('data-site="demo"', `data-site="demo" data-frame-origin="${origin}"${pin}`)
      .replace('<threadline-chat site="demo"', `<threadline-chat site="demo" frame-origin="${origin}"`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-security-policy': chatPageCsp(origin), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    res.end(req.method === 'HEAD' ? undefined : html);
    return true;
  };
}
/** The demo's Meta app secret: the simulator signs webhooks with it as Meta would. */
const APP_SECRET = 'demo-app-secret';

/**
 * The demo agent's password, never stored: THREADLINE_DEMO_PASSWORD, else one made when the data
 * directory is first seeded and printed that once. (Older demos kept it in `demo-password.txt`:
 * that file is printed one last time and deleted.) Returns the password and how to tell the user.
 */
function demoPassword(dataDir: string, seeded: boolean, where: string): { password?: string; signIn: string } {
  const legacy = join(dataDir, 'demo-password.txt');
  const kept = existsSync(legacy) ? readFileSync(legacy, 'utf8').trim() : undefined;
  if (kept !== undefined) rmSync(legacy);
  if (process.env.THREADLINE_DEMO_PASSWORD) return { password: process.env.THREADLINE_DEMO_PASSWORD, signIn: `${AGENT} with the password in THREADLINE_DEMO_PASSWORD` };
  if (kept) return { password: kept, signIn: `${AGENT} / ${kept}   (shown this once: it is no longer kept in the data directory)` };
  if (seeded) return { signIn: `${AGENT} with the password printed when ${where}` };
  const password = randomBytes(9).toString('base64url');
  return { password, signIn: `${AGENT} / ${password}   (shown this once: it is not stored)` };
}

/** Whether the demo business is there with its agent (seeding creates the agent last). */
const isSeeded = async (store: Storage) => (await store.agentByEmail(AGENT)) !== undefined;

/** Seeds the demo business and its agent; each step is skipped where it is done, so a seed cut short is finished on the next start. */
async function seed(store: Storage, password: string): Promise<void> {
  const org = await provisionOrganisation(SITE, password);
  if (!(await store.site(SITE))) await store.createSite(SITE, 'Northwind Outfitters');
  if (!(await store.setOrgKey(SITE, org.keyBackup.orgKey.publicKey))) {
    throw new Error('Threadline: failed to seed the demo: its business already has another organisation key (another relay is seeding it, or a seed stopped halfway). Start again, or start over with an empty database.');
  }
  await store.setDirectory(SITE, org.directory, 1, []);
  await store.setChannels(SITE, CHANNELS);
  await store.createAgent({ site: SITE, email: AGENT, name: 'Alex', role: 'admin', salt: org.salt, iterations: org.iterations, authKey: org.authKey, keyBackup: org.keyBackup });
}

/** Seeds unless seeded; when another relay on the same database seeds at the same moment, waits for it (up to 30 s). Resolves true when this relay seeded. */
async function seedOnce(store: Storage, password: string): Promise<boolean> {
  try {
    await seed(store, password);
    return true;
  } catch (error) {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      if (await isSeeded(store)) return false;
    }
    throw error;
  }
}

/**
 * The shop's own origins: the demo's chat may be used from its pages only (re-added on every start),
 * plus those in `THREADLINE_DEMO_ORIGINS` (comma-separated: the shop's address behind a proxy).
 * On a wildcard address the shop's origin is whatever name reaches this machine, so none is added.
 */
async function seedOrigins(store: Storage, host: string, port: number): Promise<void> {
  const extra = (process.env.THREADLINE_DEMO_ORIGINS ?? '').split(',').filter(Boolean);
  if (host === '0.0.0.0' || host === '::') return;
  const hosts = ['127.0.0.1', 'localhost', '::1'].includes(host) ? ['127.0.0.1', 'localhost'] : [host.includes(':') ? `[${host}]` : host];
  const own = [...hosts.map((name) => `http://${name}:${port}`), ...extra];
  const current = await store.origins(SITE);
  await store.setOrigins(SITE, [...current, ...own.filter((origin) => !current.includes(origin))]);
}

/** `POST /test/clock {"advanceMs": n}` moves the relay's clock forward and sweeps; only with THREADLINE_TEST_CLOCK=1. */
function clockHandler(clock: TestClock, sweep: () => Promise<number>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/test/clock' || req.method !== 'POST') return false;
    let text = '';
    for await (const chunk of req as AsyncIterable<Buffer>) if ((text += String(chunk)).length > 1024) break;
    const advanceMs = Number(/"advanceMs"\s*:\s*(\d+)/.exec(text)?.[1] ?? 0);
    clock.advance(advanceMs);
    const swept = await sweep();
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
  const handlers: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>)[] = [createSimulator({ appSecret: APP_SECRET, accounts: CHANNELS })];
  const relay = await createRelay({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    ...(clock ? { now: clock.now } : {}),
    limits: readLimits(process.env),
    trustProxy: readTrustProxy(process.env),
    logger: createLogger(config.logLevel),
    metricsToken: readMetricsToken(process.env),
    // The shop is served as strictly as a careful business would: no inline script or style at all.
    mounts: [...defaultMounts(), { prefix: '/', dir: site, headers: { 'content-security-policy': SHOP_CSP } }],
    meta: { appSecret: APP_SECRET, verifyToken: 'demo-verify-token', graphUrl: `${base}/simulator/graph`, tokens: DEMO_TOKENS },
    handlers,
  });
  handlers.push(shopPages(relay.store, site));
  if (clock) handlers.push(clockHandler(clock, relay.sweep));
  const where = config.databaseUrl ? 'this database was seeded (to start over, empty it)' : `this data directory was made (to start over, delete ${config.dataDir})`;
  const seeded = await isSeeded(relay.store);
  let { password, signIn } = demoPassword(config.dataDir, seeded, where);
  if (!seeded && !(await seedOnce(relay.store, password!))) ({ password, signIn } = demoPassword(config.dataDir, true, where));
  const address = await relay.listen(config.port, config.host);
  await seedOrigins(relay.store, config.host, address.port);
  console.log(`
Threadline demo is running (data in ${storageLabel(config)})
  shop (visitor):  ${base}/   (the chat runs in a frame on ${frameOriginFor(base)})
  agent console:   ${base}/console/   sign in as ${signIn}
  channel simulator (WhatsApp, Messenger, Instagram): ${base}/simulator/
  relay health:    ${base}/healthz
Press Ctrl+C to stop.`);
  shutdownOnSignals(relay);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
