/** Puts the relay together: HTTP API, WebSocket endpoint and static files on one `node:http` server. */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApi } from './api.ts';
import { Blobs } from './blobs.ts';
import type { GraphConfig } from './channels/graph.ts';
import { createWebhooks, type WebhookConfig } from './channels/webhooks.ts';
import { checkMetricsToken } from './config.ts';
import { createFrameHandler } from './frame.ts';
import { LocalBus, openPostgresBus, type Bus } from './bus/index.ts';
import { Hub, messageFrame, RESTART_CLOSE } from './hub.ts';
import { defaultLogger, type Logger } from './log.ts';
import { RelayMetrics, type RouteClass } from './metrics.ts';
import { createMetricsEndpoint } from './metrics-endpoint.ts';
import { defaultFrameDir } from './mounts.ts';
import { startSweeper } from './sweeper.ts';
import { createCors } from './cors.ts';
import { agentOriginRefused, originAllowed, originRefused, ownOrigin, requestOrigin } from './origins.ts';
import { DEFAULT_QUOTAS, type Quotas } from './quotas.ts';
import { createLimiters, DEFAULT_LIMITS, type Limits } from './rate-limit.ts';
import { HSTS, HttpError, overTls, SECURITY_HEADERS, sendError, tooMany, voice } from './responses.ts';
import { createSocketServer } from './sockets.ts';
import { serveStatic, type StaticMount } from './static.ts';
import { openStorage, type Storage } from './storage/index.ts';

export interface RelayOptions {
  /** The data directory: the SQLite database and attachment blobs (when no `databaseUrl` is given). */
  dataDir: string;
  /** PostgreSQL (`postgres://…`) for records and attachments instead of SQLite and files in `dataDir`. */
  databaseUrl?: string | undefined;
  /** Largest attachment, in bytes (default 25 MB). */
  maxBlobBytes?: number;
  /** New visitors one address may register per minute (default 60). */
  visitorsPerMinute?: number;
  /** The clock, for retention (tests move it forward). */
  now?: () => number;
  /** How often expired conversations are deleted (default every minute). */
  sweepIntervalMs?: number;
  /** The Meta app: webhook secrets, Graph API base URL and access tokens. Without it, no messengers. */
  meta?: MetaConfig;
  /** More request handlers, tried before static files (the demo's simulator). */
  handlers?: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>)[];
  /** Static directories to serve, most specific prefix first. */
  mounts?: StaticMount[];
  /** The chat frame's built files (served at `/frame/`); by default the workspace's widget build. */
  frameDir?: string | undefined;
  /** Rate limits that differ from `DEFAULT_LIMITS` (benchmarks raise them), and storage quotas that differ from `DEFAULT_QUOTAS`. */
  limits?: Partial<Limits & Quotas>;
  /** Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` entry (default false). */
  trustProxy?: boolean;
  /** How long `close` lets requests in flight finish before cutting them (default 5 s). */
  drainMs?: number;
  /** Where the relay logs (default: JSON lines on stdout at level info); `createLogger('silent')` for none. */
  logger?: Logger;
  /** Serves `/metrics` to requests that send it as `Authorization: Bearer <token>` (32+ characters); without it, no `/metrics`. */
  metricsToken?: string | undefined;
}

export interface MetaConfig extends WebhookConfig, GraphConfig {}

export interface Relay {
  readonly store: Storage;
  readonly log: Logger;
  readonly server: Server;
  /** The API's routes, as `METHOD /path/:id`. */
  readonly routes: readonly string[];
  /** Deletes expired conversations now; returns how many. */
  sweep(): Promise<number>;
  /** Resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Graceful shutdown: stops accepting, asks every socket to reconnect later (close code 1012),
   * lets requests in flight finish (up to `drainMs`), then closes the database.
   */
  close(): Promise<void>;
}

/** What visitors' widgets (and anyone without an agent's sign-in) call: rate limited per address. */
const VISITOR_ROUTES = /^\/v1\/(sites\/|conversations\/)/;
export { RESTART_CLOSE } from './hub.ts';

/** Which part of the relay a path belongs to, for the metrics: a class, never the path (paths carry ids). */
function routeClass(pathname: string | undefined): RouteClass {
  if (pathname === '/healthz' || pathname === '/readyz') return 'health';
  if (pathname === '/metrics') return 'metrics';
  if (pathname === '/v1/socket') return 'socket';
  if (pathname === undefined) return 'other';
  if (VISITOR_ROUTES.test(pathname)) return 'visitor_api';
  if (pathname.startsWith('/v1/')) return 'agent_api';
  if (pathname.startsWith('/webhooks/')) return 'webhook';
  if (pathname.startsWith('/frame/')) return 'frame';
  return 'other';
}

/** The entries of `values` whose keys `like` has. */
const pick = <T extends object>(values: object | undefined, like: T): Partial<T> =>
  Object.fromEntries(Object.entries(values ?? {}).filter(([key]) => Object.hasOwn(like, key))) as Partial<T>;

/** The request's URL, or undefined when it cannot be parsed (`//[`, for one). */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://relay');
  } catch {
    return undefined;
  }
}

/** Opens the storage (migrating it as needed) and puts the relay together; `listen` then serves it. */
export async function createRelay(options: RelayOptions): Promise<Relay> {
  const now = options.now ?? Date.now;
  const log = options.logger ?? defaultLogger();
  if (options.metricsToken !== undefined) checkMetricsToken(options.metricsToken);
  const store: Storage = await openStorage({ dataDir: options.dataDir, databaseUrl: options.databaseUrl, now, quotas: { ...DEFAULT_QUOTAS, ...pick(options.limits, DEFAULT_QUOTAS) }, log });
  let bus: Bus;
  try {
    bus = await openBus(store, options.databaseUrl, log);
  } catch (error) {
    await store.close();
    throw error;
  }
  const metrics = new RelayMetrics(() => ({ ...hub.counts(), unauthenticated: wss.clients.size - hub.size }));
  if (options.metricsToken !== undefined) metrics.includeProcess();
  const serveMetrics = createMetricsEndpoint(metrics, options.metricsToken);
  const hub = new Hub(bus, log, metrics);
  const blobs = new Blobs(store.blobs, options.maxBlobBytes);
  const limit = createLimiters(pick(options.limits, DEFAULT_LIMITS), options.trustProxy, now, (kind) => metrics.limited(kind));
  const api = createApi(store, hub, blobs, options.meta, limit);
  const cors = createCors(store, api.methods);
  const webhooks = createWebhooks(store, hub, options.meta, limit, blobs, log, metrics);
  const sweeper = startSweeper(store, hub, now, options.sweepIntervalMs ?? 60_000, log);
  const mounts = options.mounts ?? [];
  const frameDir = 'frameDir' in options ? options.frameDir : defaultFrameDir();
  const frame = frameDir ? createFrameHandler(store, frameDir) : undefined;
  const wss = createSocketServer(store, hub, log, metrics, {
    async admit(principal, req) {
      const origin = requestOrigin(req);
      // Agents use the console, which the relay serves: a page of any other origin holding an
      // agent's token (cross-site WebSocket hijacking) is refused. Non-browser clients send no Origin.
      if (principal.role === 'agent') return origin === undefined || ownOrigin(req, origin) ? undefined : agentOriginRefused(origin);
      // The chat's frame, served by the relay, connects from the relay's own origin: the site's
      // allow-list is enforced there by frame-ancestors and by the frame itself.
      if ((origin !== undefined && ownOrigin(req, origin)) || originAllowed(await store.origins(principal.site), origin)) return undefined;
      return originRefused(principal.site, origin!).message;
    },
    limit: (kind, key) => limit.take(kind, key),
  });
  let closing: Promise<void> | undefined;

  async function onRequest(req: IncomingMessage, res: ServerResponse, url: URL | undefined): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (overTls(req)) res.setHeader('strict-transport-security', HSTS);
    if (!url) throw new HttpError(400, 'bad_frame', voice('read the request', 'its address is not a valid URL path', 'Check the address.'));
    const { pathname } = url;
    if (await serveMetrics(req, res, pathname)) return;
    if (VISITOR_ROUTES.test(pathname)) {
      const wait = limit.take('requests', limit.address(req));
      if (wait) throw tooMany('handle the request', wait);
    }
    if (await cors(req, res, pathname)) return;
    if (await api(req, res, pathname)) return;
    if (await webhooks(req, res, url)) return;
    for (const handler of options.handlers ?? []) if (await handler(req, res, url)) return;
    if (await frame?.(req, res, url)) return;
    if (req.method === 'GET' || req.method === 'HEAD') {
      for (const mount of mounts) if (serveStatic(mount, pathname, res)) return;
    }
    throw new HttpError(404, 'not_found', voice('find ' + pathname, 'there is nothing here', 'Check the address.'));
  }

  /** Requests being handled, so shutdown waits for their writes (and clean-ups) before closing the database. */
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const url = requestUrl(req);
    const route = routeClass(url?.pathname);
    res.once('close', () => metrics.httpRequests.inc({ route, status: res.writableFinished ? String(res.statusCode) : 'aborted' }));
    const handling = onRequest(req, res, url)
      .catch((error: unknown) => {
        // The method and the route's class, not the address: addresses carry ids, a query may carry a token.
        if (!(error instanceof HttpError)) log.error({ err: error, method: req.method, route }, 'request failed');
        if (res.headersSent) return void res.destroy();
        // Refused before its body was read (too large, wrong method, no session): the rest of the
        // body is not read either, so the connection is closed rather than offered for reuse.
        if (!req.complete) res.setHeader('connection', 'close');
        sendError(res, error instanceof HttpError ? error : new HttpError(500, 'internal', voice('handle the request', 'the relay hit an internal error', 'Try again.')));
      })
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  server.on('upgrade', (req, socket, head) => {
    const route = routeClass(requestUrl(req)?.pathname);
    const refuse = (status: number, headers = '') => {
      metrics.httpRequests.inc({ route, status: String(status) });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n${headers}\r\n`);
    };
    if (route !== 'socket') return refuse(404);
    // Closing, or the bus is reconnecting (frames for this relay's sockets could be lost): another relay serves.
    if (closing || !hub.ready) return refuse(503, 'retry-after: 5\r\n');
    const wait = limit.take('connections', limit.address(req));
    if (wait) return refuse(429, `retry-after: ${wait}\r\n`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      metrics.httpRequests.inc({ route, status: '101' });
      wss.emit('connection', ws, req);
    });
  });

  return {
    store,
    log,
    server,
    routes: api.routes,
    sweep: sweeper.sweep,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close() {
      closing ??= (async () => {
        sweeper.stop();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections close as soon as their request is answered, not after their idle timeout.
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        server.closeIdleConnections();
        for (const socket of wss.clients) socket.close(RESTART_CLOSE, 'relay restarting');
        wss.close();
        // Requests in flight finish (their writes commit); past the deadline, what is left is cut.
        const deadline = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of wss.clients) socket.terminate();
        }, options.drainMs ?? 5_000);
        await stopped;
        clearTimeout(deadline);
        clearInterval(idle);
        await Promise.allSettled([...inFlight]);
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/**
 * The bus the relay's hubs share: PostgreSQL's LISTEN/NOTIFY when relays share a PostgreSQL
 * database, otherwise the in-process one (one relay, one SQLite file).
 */
function openBus(store: Storage, databaseUrl: string | undefined, log: Logger): Promise<Bus> {
  if (databaseUrl === undefined) return Promise.resolve(new LocalBus());
  return openPostgresBus(databaseUrl, {
    log,
    async load(conversationId, seq) {
      const [stored] = await store.storedSince(conversationId, seq - 1, 1);
      return stored?.seq === seq ? messageFrame(stored) : undefined;
    },
  });
}
