/** HTTP answers: JSON bodies, errors in Threadline's voice, and the headers every response carries. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '@threadline/sdk/protocol';

/**
 * On every response the relay sends (a route may override one): no MIME sniffing, no referrer
 * leaving the relay's pages, no window shared with other origins, and no other origin embedding
 * the relay's files — except the widget's scripts, attachments and QR codes, which say so.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** API answers are data, never a document: opened directly, nothing in them may load, run or be framed. */
export const API_HEADERS: Record<string, string> = {
  ...SECURITY_HEADERS,
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
};

/**
 * HSTS only when the request reached us over TLS (directly, or through a proxy that says so):
 * browsers ignore it over plain HTTP, and on loopback there is no TLS to insist on.
 */
export const overTls = (req: IncomingMessage): boolean =>
  Boolean((req.socket as { encrypted?: boolean }).encrypted) || req.headers['x-forwarded-proto'] === 'https';
export const HSTS = 'max-age=31536000; includeSubDomains';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `Threadline: failed to <action>: <reason>. <hint>` */
export const voice = (action: string, reason: string, hint: string) => `Threadline: failed to ${action}: ${reason}. ${hint}`;

/** 429 with `Retry-After`: the caller should wait `seconds`, then try again. */
export const tooMany = (action: string, seconds: number) =>
  new HttpError(429, 'rate_limited', voice(action, 'too many requests', `Try again in ${seconds} s.`), { 'retry-after': String(seconds) });

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...API_HEADERS, ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length, 'cache-control': 'no-store' });
  res.end(bytes);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

/** A request body of at most `limit` bytes; 413 past it, before reading more. */
export async function readBytes(req: IncomingMessage, limit: number, action = 'read the request'): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new HttpError(413, 'too_large', voice(action, `the body is over ${limit} bytes`, 'Send a smaller body.'));
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'bad_frame', voice('read the request', 'the body is not application/json', 'Send JSON with content-type: application/json.'));
  }
  const bytes = await readBytes(req, limit);
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_frame', voice('read the request', 'the body is not valid JSON', 'Send a JSON object.'));
  }
}
