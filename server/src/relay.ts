/** Puts the relay together: HTTP API, WebSocket endpoint and static files on one `node:http` server. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApi } from './api.ts';
import { Blobs } from './blobs.ts';
import type { GraphConfig } from './channels/graph.ts';
import { createWebhooks, type WebhookConfig } from './channels/webhooks.ts';
import { Hub } from './hub.ts';
import { startSweeper } from './sweeper.ts';
import { HttpError, SECURITY_HEADERS, sendError, voice } from './responses.ts';
import { createSocketServer } from './sockets.ts';
import { serveStatic, type StaticMount } from './static.ts';
import { Store } from './store.ts';

export interface RelayOptions {
  dataDir: string;
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
}

export interface MetaConfig extends WebhookConfig, GraphConfig {}

export interface Relay {
  readonly store: Store;
  readonly server: Server;
  /** Deletes expired conversations now; returns how many. */
  sweep(): number;
  /** Resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, closes every socket and the database. */
  close(): Promise<void>;
}

/** Visitors' widgets call the site endpoints from the business's own origin. */
const PUBLIC_API = /^\/v1\/(sites|conversations)\//;

export function createRelay(options: RelayOptions): Relay {
  const now = options.now ?? Date.now;
  const store = new Store(options.dataDir, now);
  const hub = new Hub();
  const blobs = new Blobs(options.dataDir, options.maxBlobBytes);
  const api = createApi(store, hub, blobs, options.meta, options.visitorsPerMinute);
  const webhooks = createWebhooks(store, hub, options.meta);
  const sweeper = startSweeper(store, hub, blobs, now, options.sweepIntervalMs ?? 60_000);
  const mounts = options.mounts ?? [];
  const wss = createSocketServer(store, hub);

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    const { pathname } = url;
    if (PUBLIC_API.test(pathname) && req.headers.origin) {
      res.setHeader('access-control-allow-origin', req.headers.origin);
      res.setHeader('vary', 'origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...SECURITY_HEADERS, 'access-control-allow-methods': 'GET, POST, PUT', 'access-control-allow-headers': 'content-type, authorization', 'access-control-max-age': '600' });
        return void res.end();
      }
    }
    if (await api(req, res, pathname)) return;
    if (await webhooks(req, res, url)) return;
    for (const handler of options.handlers ?? []) if (await handler(req, res, url)) return;
    if (req.method === 'GET' || req.method === 'HEAD') {
      for (const mount of mounts) if (serveStatic(mount, pathname, res)) return;
    }
    throw new HttpError(404, 'not_found', voice('find ' + pathname, 'there is nothing here', 'Check the address.'));
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!(error instanceof HttpError)) console.error('threadline-relay: request failed', error);
      if (res.headersSent) return void res.destroy();
      sendError(res, error instanceof HttpError ? error : new HttpError(500, 'internal', voice('handle the request', 'the relay hit an internal error', 'Try again.')));
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://relay').pathname !== '/v1/socket') return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  return {
    store,
    server,
    sweep: sweeper.sweep,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    async close() {
      sweeper.stop();
      hub.closeAll(1001, 'relay shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
