/** Validation of the options shared by both clients. */
import { ConfigError } from './errors.ts';
import { isId } from './protocol.ts';

export interface RelayOptions {
  /** The relay's base URL, e.g. `https://chat.example.com`. */
  relay: string | URL;
  /** Where the crypto worker script is served; defaults to `crypto-worker.js` beside this module (the agent client's: `agent-crypto-worker.js`). */
  workerUrl?: string | URL;
}

export function relayUrl(relay: unknown): URL {
  let url: URL | undefined;
  try {
    url = new URL(String(relay));
  } catch {}
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError('bad_relay', 'start', `'${String(relay)}' is not an http(s) URL`, 'Pass the relay’s base URL, e.g. https://chat.example.com.');
  }
  return url;
}

export function siteId(site: unknown): string {
  if (!isId(site)) {
    throw new ConfigError('bad_site', 'start', `'${String(site)}' is not a site id`, 'Copy the site id from the Threadline console (letters, digits, - and _).');
  }
  return site;
}

export const socketUrl = (relay: URL): URL => new URL('/v1/socket', relay.href.replace(/^http/, 'ws'));
