/**
 * The chat frame's entry (served at `/frame/?site=…` with a strict CSP). It announces itself to its
 * parent, takes the `hello` and its port only from an embedder whose origin the site allows, then
 * loads the panel, the SDK and the crypto worker while it is idle (or at once on a call). All of it
 * — keys, history, the tab leader — lives in this frame's origin, out of the host page's reach.
 */
import { checkSender, EMBED_VERSION as v, fromHost, type EmbedOptions, type FrameMessage, type HostMessage } from './embed-protocol.ts';
import type { FrameChat } from './frame-chat.ts';
import { wasOpen } from './open-state.ts';

const site = new URLSearchParams(location.search).get('site') ?? '';
/** The relay: this frame's own origin, unless the document that serves it names another. */
const relay = document.querySelector<HTMLMetaElement>('meta[name=threadline-relay]')?.content || location.origin;
/** The embedder's origin as the browser reports it (Chromium, WebKit); the handshake's must match. */
const ancestor = location.ancestorOrigins?.[0];

const refuse = (reason: string) =>
  console.error(`Threadline: failed to start the chat in this frame: ${reason}. Add the website under Install → Allowed origins in the console.`);

/** The site's embedding settings, from the relay (the host page cannot set them). */
async function embedSettings(): Promise<{ origins: string[]; shareText: boolean }> {
  const response = await fetch(new URL(`/v1/sites/${encodeURIComponent(site)}/embed`, relay));
  const body = (await response.json()) as { origins?: unknown; shareText?: unknown };
  if (!response.ok || !Array.isArray(body.origins) || !body.origins.every((o) => typeof o === 'string') || typeof body.shareText !== 'boolean') {
    throw new Error(`the relay answered ${response.status} for the site's settings`);
  }
  return body as { origins: string[]; shareText: boolean };
}

async function handshake(event: MessageEvent): Promise<void> {
  let hello: HostMessage;
  try {
    checkSender(event, ancestor ?? event.origin, parent);
    hello = fromHost(event.data);
  } catch (error) {
    return console.error(error);
  }
  const port = event.ports[0];
  if (hello.t !== 'hello' || !port) return;
  removeEventListener('message', onMessage);
  // The page learns only that the chat will not run here (to tell the visitor); the reason is the developer's, in the console.
  const refused = (reason: string) => (refuse(reason), port.postMessage({ v, t: 'refused' } satisfies FrameMessage));
  if (hello.site !== site) return refused(`the page asked for site '${hello.site}' in the frame of site '${site}'`);
  const settings = await embedSettings().catch((error: Error) => error);
  if (settings instanceof Error) return refused(settings.message);
  if (settings.origins.length && !settings.origins.includes(event.origin)) return refused(`${event.origin} is not on the site’s allowed origins`);
  serve(port, hello, settings.shareText);
}

const onMessage = (event: MessageEvent) => void handshake(event);

/** Answers the host's calls over the port; loads the chat when it is first needed. */
function serve(port: MessagePort, options: EmbedOptions, shareText: boolean): void {
  const tell = (message: FrameMessage) => port.postMessage(message);
  let chat: Promise<FrameChat> | undefined;
  const load = () => (chat ??= import('./frame-chat.ts').then(({ FrameChat }) => new FrameChat(relay, options, shareText, tell)));
  port.onmessage = async ({ data }) => {
    let message: HostMessage;
    try {
      message = fromHost(data);
    } catch (error) {
      return console.error(error);
    }
    if (message.t !== 'call') return;
    if (message.name === 'config') Object.assign(options, message.arg);
    if (!chat && (message.name === 'config' || message.name === 'close')) return tell({ v, t: 'result', id: message.id });
    try {
      tell({ v, t: 'result', id: message.id, value: await (await load()).call(message) });
    } catch (error) {
      tell({ v, t: 'result', id: message.id, error: (error as Error).message });
    }
  };
  tell({ v, t: 'state', open: false, unread: 0, label: '' });
  // The chat is made ready while this frame is idle (the panel hidden, the client started: keys,
  // the business's directory, the connection if this browser has a conversation), so a click shows
  // a usable composer at once and a returning visitor's unread replies are counted. The frame runs
  // in its own process: the host page's main thread does not pay for it. A panel left open before
  // a reload starts at once.
  if (wasOpen()) void load();
  else 'requestIdleCallback' in self ? requestIdleCallback(() => void load(), { timeout: 2000 }) : setTimeout(() => void load(), 1);
}

if (parent === self) refuse('it is not embedded in a page');
else {
  addEventListener('message', onMessage);
  parent.postMessage({ v, t: 'loaded' }, ancestor ?? '*');
}
