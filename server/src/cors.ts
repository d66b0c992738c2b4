/**
 * Exact CORS for visitors' routes (`/v1/sites/:site/…`, `/v1/conversations/:id/…`): the `Origin`
 * is echoed only when the site allows it, with `Vary: Origin`; never `*`, never credentials (the
 * API authenticates with a bearer header, not cookies). Agents' routes get no CORS at all: the
 * console is served by the relay itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { originAllowed, originRefused, ownOrigin, requestOrigin } from './origins.ts';
import { API_HEADERS, HttpError, voice } from './responses.ts';
import type { Storage } from './storage/index.ts';

const SITE_ROUTE = /^\/v1\/sites\/([^/]+)\//;
const CONVERSATION_ROUTE = /^\/v1\/conversations\/([^/]+)\//;

/**
 * Sets the CORS headers and refuses origins the site does not allow. Returns true when it answered
 * the request itself (a preflight). Unknown sites and conversations pass: their routes answer 404/401.
 */
export function createCors(store: Storage, methods: (pathname: string) => string[]) {
  async function siteOf(pathname: string): Promise<string | null | undefined> {
    const site = SITE_ROUTE.exec(pathname)?.[1];
    if (site !== undefined) return site;
    const conversation = CONVERSATION_ROUTE.exec(pathname)?.[1];
    if (conversation === undefined) return undefined;
    return (await store.conversation(conversation))?.site ?? null;
  }

  return async function cors(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const site = await siteOf(pathname);
    if (site === undefined) return false;
    res.setHeader('vary', 'origin');
    const origin = requestOrigin(req);
    if (origin === undefined) return false;
    // Echoed on a refusal too, so the page can read why.
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'retry-after');
    if (site !== null && !ownOrigin(req, origin) && !originAllowed(await store.origins(site), origin)) throw originRefused(site, origin);
    if (req.method !== 'OPTIONS') return false;
    const allowed = methods(pathname);
    if (allowed.length === 0) throw new HttpError(404, 'not_found', voice('find ' + pathname, 'there is nothing here', 'Check the address.'));
    res.writeHead(204, {
      ...API_HEADERS,
      'access-control-allow-methods': allowed.join(', '),
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  };
}
