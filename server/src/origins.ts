/**
 * Which websites may use a site's chat. A business lists the origins of its pages; visitors'
 * requests from any other page are refused, over HTTP (the `Origin` header, with exact CORS) and on
 * the socket (checked at `hello`, when the site is known). An empty list allows any origin.
 * A request without `Origin` is not from a page of another origin (browsers always send it then).
 *
 * The chat itself runs in the frame the relay serves, so its requests come from the relay's own
 * origin and pass: there the allow-list is enforced by the frame's `frame-ancestors` and by the
 * frame, which refuses an embedder the site does not allow (see frame.ts and widget/src/frame.ts).
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, overTls, voice } from './responses.ts';

/** Most origins one site may list. */
export const MAX_ORIGINS = 20;

/** `https://shop.example` or `http://127.0.0.1:8787`, exactly as a browser sends it; else undefined. */
export function normalOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value ? url.origin : undefined;
}

export function originAllowed(allowed: string[], origin: string | undefined): boolean {
  return origin === undefined || allowed.length === 0 || allowed.includes(origin);
}

/** The typed refusal, saying what the business must do. */
export function originRefused(site: string, origin: string): HttpError {
  return new HttpError(
    403,
    'forbidden',
    voice(`use the chat of site '${site}' from ${origin}`, 'this website is not on the site’s allowed origins', 'Add it under Install → Allowed origins in the console.'),
  );
}

export const requestOrigin = (req: IncomingMessage): string | undefined => (typeof req.headers.origin === 'string' ? req.headers.origin : undefined);

/**
 * Whether `origin` is the relay's own (the console's, and the chat frame's it serves): the host the
 * request was made to, over the scheme it arrived by (a TLS socket, or a trusted proxy's `X-Forwarded-Proto`).
 */
export function ownOrigin(req: IncomingMessage, origin: string): boolean {
  return req.headers.host !== undefined && origin === `${overTls(req) ? 'https' : 'http'}://${req.headers.host}`;
}

export const agentOriginRefused = (origin: string): string =>
  voice(`use an agent’s session from ${origin}`, 'agents’ sockets are accepted only from the console, on the relay’s own origin', 'Open the console from the relay’s address.');
