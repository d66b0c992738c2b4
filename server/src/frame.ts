/**
 * The chat's frame (`/frame/?site=…`): a static document and content-hashed scripts. The document
 * is answered with a strict CSP whose `frame-ancestors` lists the site's allowed origins, computed
 * per request, so another website cannot embed the chat (the frame checks its embedder as well).
 * Hashed files are cached as immutable; the document itself is `no-cache`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveStatic } from './static.ts';
import type { Storage } from './storage/index.ts';

const PREFIX = '/frame/';
/** A name that changes with its content (`frame-Ab12_x-Y.js`): safe to cache for a year. */
const HASHED = /-[\w-]{8}\.js$/;

/** The frame document's policy: its own scripts and worker, the relay only, embedded by `ancestors`. */
export function frameCsp(ancestors: string): string {
  return `default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self' data: blob:; media-src blob:; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ${ancestors}`;
}

/** Who may embed a site's frame: its allowed origins; any website while the list is empty; nobody for an unknown site. */
export async function frameAncestors(store: Storage, site: string | null): Promise<string> {
  if (!site || !(await store.site(site))) return "'none'";
  const origins = await store.origins(site);
  return origins.length ? origins.join(' ') : '*';
}

export function createFrameHandler(store: Storage, dir: string) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (!url.pathname.startsWith(PREFIX) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const document = url.pathname === PREFIX || url.pathname === `${PREFIX}index.html`;
    const headers: Record<string, string> = document
      ? { 'content-security-policy': frameCsp(await frameAncestors(store, url.searchParams.get('site'))) }
      : HASHED.test(url.pathname)
      ? { 'cache-control': 'public, max-age=31536000, immutable' }
      : {};
    return serveStatic({ prefix: PREFIX, dir, headers }, url.pathname, res);
  };
}
