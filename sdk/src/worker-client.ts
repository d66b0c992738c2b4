/** Starts the crypto worker and calls it with timeouts; turns its failures into `CryptoError`s. */
import { wrap, type Remote } from './rpc.ts';
import type { CryptoService, Result } from './crypto/service.ts';
import { CryptoError } from './errors.ts';

/** Slowest call is `unlock` (PBKDF2, 600k iterations): well under a second on a phone. */
const CALL_TIMEOUT_MS = 20_000;

export type CryptoWorker = Remote<CryptoService>;

/**
 * A worker must come from the page's origin: a widget served by the relay to another website starts
 * one from a same-origin `blob:` module that imports the relay's worker (CORS; `worker-src blob:`).
 */
export function startWorker<T extends CryptoService = CryptoService>(url: string | URL): Remote<T> {
  const { href, origin } = new URL(url, location.href);
  const source = origin === location.origin ? href : URL.createObjectURL(new Blob([`import ${JSON.stringify(href)}`], { type: 'text/javascript' }));
  const worker = new Worker(source, { type: 'module', name: 'threadline-crypto' });
  return wrap<T>(worker);
}

/** Awaits a worker call, rejecting with a `CryptoError` on failure or when the worker is gone. */
export async function call<T>(action: string, pending: Promise<Result<T>>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CryptoError('timeout', action, 'the crypto worker did not answer', 'Reload the page.')),
      CALL_TIMEOUT_MS,
    );
  });
  try {
    const result = await Promise.race([pending, timeout]);
    if (result.ok) return result.value;
    throw new CryptoError(result.code, action, result.reason, result.hint);
  } finally {
    clearTimeout(timer);
  }
}
