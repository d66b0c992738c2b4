/** Requests to the relay's HTTP API (JSON, or a Blob as it is), with failures turned into typed errors. */
import { ConnectionError, ProtocolError } from './errors.ts';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT';
  /** JSON, or a Blob sent as it is (its type as the content-type). */
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

export async function request<T>(relay: URL, path: string, action: string, options: RequestOptions = {}): Promise<T> {
  const blob = options.body instanceof Blob;
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = blob ? (options.body as Blob).type || 'application/octet-stream' : 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  // Once over a rate limit, the request goes again after the wait the relay names (at most 10 s).
  for (let attempt = 0; ; attempt++) {
    try {
      response = await fetch(new URL(path, relay), {
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers,
        body: blob ? (options.body as Blob) : options.body === undefined ? null : JSON.stringify(options.body),
      });
    } catch {
      throw new ConnectionError('network', action, `the relay at ${relay.origin} is unreachable`, 'Check the connection and try again.');
    }
    if (response.status !== 429 || attempt) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number(response.headers.get('retry-after')) || 1, 10) * 1000));
  }
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!response.ok) {
    const error = body?.error;
    const refusal = new ProtocolError(
      error?.code ?? `http_${response.status}`,
      action,
      error?.message ?? `the relay answered HTTP ${response.status}`,
      response.status === 401 ? 'Sign in again.' : 'Try again later; if it persists, contact the site.',
    );
    // The relay speaks in the same voice: its message is the whole sentence, not a reason inside another.
    if (error?.message?.startsWith('Threadline: failed to ')) refusal.message = error.message;
    throw refusal;
  }
  return body as T;
}
