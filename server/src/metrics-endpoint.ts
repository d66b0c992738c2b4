/**
 * `GET /metrics`: the relay's metrics for Prometheus to scrape. Off unless the relay is given a
 * metrics token (THREADLINE_METRICS_TOKEN); then a scrape must send `Authorization: Bearer <token>`.
 * A token rather than "loopback only": behind a reverse proxy on the same machine, every request
 * arrives from loopback.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RelayMetrics } from './metrics.ts';
import { API_HEADERS, HttpError, voice } from './responses.ts';

/** Hashed first, so the comparison takes the same time whatever the length of what was sent. */
const digest = (token: string) => createHash('sha256').update(token).digest();

export function createMetricsEndpoint(metrics: RelayMetrics, token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async function serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (pathname !== '/metrics' || !expected) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, 'bad_frame', voice('read the metrics', `${req.method} is not allowed`, 'Scrape with GET.'), { allow: 'GET, HEAD' });
    }
    const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      const hint = 'Send Authorization: Bearer with the token set as THREADLINE_METRICS_TOKEN.';
      throw new HttpError(401, 'unauthorized', voice('read the metrics', 'the bearer token is missing or wrong', hint), { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    const text = await metrics.registry.metrics();
    res.writeHead(200, { ...API_HEADERS, 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  };
}
