/**
 * A hostile script on the business's own page (a compromised analytics tag, an XSS on the shop),
 * loaded before Threadline's loader, tries every way into the chat: it wraps the globals the chat
 * would use (Worker, postMessage, MessagePort, BroadcastChannel, WebSocket, crypto.subtle, fetch,
 * IndexedDB, Web Storage, attachShadow, event listeners), walks the DOM and every shadow root,
 * reads the frame's window and document, listens to window messages and keystrokes, and posts
 * forged embed messages to the frame. A conversation with canary text runs both ways; the script
 * sees no text and no key. With the site's "share message text" setting on, the same script
 * receives the text: the spec can fail.
 *
 * The script is injected into the shop's HTML only (a route), not with addInitScript, which would
 * run it in the chat's frame too.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { chat, chatFrame, expect, shopWith, signIn, test } from './helpers.ts';

declare global {
  interface Window {
    __seen: string[];
    __sweep(): Promise<void>;
    __forge(): void;
  }
}

/** Runs in the shop's page before anything else. Records everything it can reach in `__seen`. */
function hostile(): void {
  const seen: string[] = [];
  window.__seen = seen;
  const bytes = (value: unknown) => (value instanceof ArrayBuffer ? new Uint8Array(value) : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer) : null);
  const note = (where: string, value?: unknown) => {
    let text: string;
    try {
      text = typeof value === 'string' ? value : JSON.stringify(value, (_key, v) => (bytes(v) ? `bytes:${new TextDecoder().decode(bytes(v)!)}` : v)) ?? String(value);
    } catch {
      text = String(value);
    }
    seen.push(`${where}: ${text}`);
  };
  const ports: MessagePort[] = [];
  const roots: ShadowRoot[] = [];

  // Threads and channels the chat might use in this realm.
  const NativeWorker = window.Worker;
  window.Worker = function (this: unknown, url: string | URL, options?: WorkerOptions) {
    note('new Worker', String(url));
    const worker = new NativeWorker(url, options);
    worker.addEventListener('message', (event) => note('worker message', event.data));
    return worker;
  } as unknown as typeof Worker;
  const workerPost = NativeWorker.prototype.postMessage as (message: unknown, transfer: Transferable[]) => void;
  NativeWorker.prototype.postMessage = function (this: Worker, data: unknown, transfer?: Transferable[]) {
    note('worker postMessage', data);
    return workerPost.call(this, data, transfer ?? []);
  } as Worker['postMessage'];
  const windowPost = window.postMessage.bind(window);
  window.postMessage = ((data: unknown, ...rest: [string, Transferable[]]) => (note('window postMessage', data), windowPost(data, ...rest))) as typeof window.postMessage;
  const portPost = MessagePort.prototype.postMessage as (message: unknown, transfer: Transferable[]) => void;
  MessagePort.prototype.postMessage = function (this: MessagePort, data: unknown, transfer?: Transferable[]) {
    if (!ports.includes(this)) ports.push(this);
    note('port postMessage', data);
    return portPost.call(this, data, transfer ?? []);
  } as MessagePort['postMessage'];
  const onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage')!;
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    configurable: true,
    get() {
      return onmessage.get!.call(this);
    },
    set(handler: ((event: MessageEvent) => void) | null) {
      if (!ports.includes(this)) ports.push(this);
      onmessage.set!.call(this, (event: MessageEvent) => (note('port message', event.data), handler?.(event)));
    },
  });
  const listen = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, handler: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    if (type === 'message') listen.call(this, type, (event) => note(`${type} listener`, (event as MessageEvent).data));
    return listen.call(this, type, handler, options);
  };
  addEventListener('message', (event) => note('window message', event.data), true);
  for (const type of ['keydown', 'input', 'paste', 'copy']) addEventListener(type, (event) => note(type, (event as KeyboardEvent).key ?? (event.target as HTMLInputElement)?.value), true);
  const NativeChannel = window.BroadcastChannel;
  window.BroadcastChannel = function (this: unknown, name: string) {
    note('new BroadcastChannel', name);
    const channel = new NativeChannel(name);
    channel.addEventListener('message', (event) => note('broadcast', event.data));
    return channel;
  } as unknown as typeof BroadcastChannel;
  // The names the chat's tabs would use, were they in this origin.
  for (const origin of [location.origin, location.origin.replace('127.0.0.1', 'localhost')]) {
    const name = `threadline:${origin}/demo/visitor`;
    new NativeChannel(name).onmessage = (event) => note('broadcast (listening)', event.data);
    new NativeChannel(name).postMessage({ type: 'sync' });
  }
  const NativeSocket = window.WebSocket;
  window.WebSocket = function (this: unknown, url: string | URL, protocols?: string | string[]) {
    note('new WebSocket', String(url));
    const socket = new NativeSocket(url, protocols);
    socket.addEventListener('message', (event) => note('socket message', event.data));
    return socket;
  } as unknown as typeof WebSocket;
  const socketSend = NativeSocket.prototype.send;
  NativeSocket.prototype.send = function (this: WebSocket, data: string) {
    note('socket send', data);
    return socketSend.call(this, data);
  };
  // Keys and requests.
  for (const name of ['encrypt', 'decrypt', 'importKey', 'exportKey', 'deriveBits', 'deriveKey', 'sign', 'verify', 'generateKey', 'wrapKey', 'unwrapKey', 'digest'] as const) {
    const original = crypto.subtle[name] as (...args: unknown[]) => Promise<unknown>;
    (crypto.subtle as unknown as Record<string, unknown>)[name] = function (this: SubtleCrypto, ...args: unknown[]) {
      note(`subtle.${name}`, args);
      return original.apply(this, args).then((result) => (note(`subtle.${name} result`, result), result));
    };
  }
  const nativeFetch = window.fetch;
  window.fetch = async function (this: unknown, ...args: Parameters<typeof fetch>) {
    note('fetch', String(args[0]));
    const response = await nativeFetch.apply(this, args);
    response.clone().text().then((text) => note('fetch body', text), () => {});
    return response;
  };
  const open = indexedDB.open.bind(indexedDB);
  indexedDB.open = (name: string, version?: number) => (note('indexedDB.open', name), open(name, version));
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attachShadow.call(this, { ...init, mode: 'open' });
    roots.push(root);
    return root;
  };

  /** Everything readable now: the DOM and shadow roots, the frame, this origin's storage. */
  window.__sweep = async () => {
    const walk = (root: Document | ShadowRoot) => {
      note('text', (root instanceof Document ? root.documentElement : root).textContent);
      for (const element of root.querySelectorAll('*')) {
        for (const attribute of element.attributes) note('attribute', attribute.value);
        if (element.shadowRoot) walk(element.shadowRoot);
        if (element instanceof HTMLIFrameElement) {
          for (const read of [() => element.contentDocument?.documentElement.outerHTML, () => element.contentWindow?.document.body.innerHTML, () => (element.contentWindow as unknown as { localStorage: Storage }).localStorage.length]) {
            try {
              note('frame read', read() ?? 'nothing');
            } catch (error) {
              note('frame refused', (error as Error).name);
            }
          }
        }
      }
    };
    walk(document);
    for (const root of roots) walk(root);
    note('localStorage', { ...localStorage });
    note('sessionStorage', { ...sessionStorage });
    for (const { name } of await indexedDB.databases()) {
      note('database', name);
      const db = await new Promise<IDBDatabase>((resolve, reject) => Object.assign(open(name!), { onsuccess(this: IDBRequest<IDBDatabase>) { resolve(this.result); }, onerror: reject }));
      for (const store of db.objectStoreNames) {
        const all = db.transaction(store).objectStore(store).getAll();
        note(`database ${name}/${store}`, await new Promise((resolve) => (all.onsuccess = () => resolve(all.result))));
      }
      db.close();
    }
  };

  /** Forged embed messages: a second handshake, and calls on the loader's own port. */
  window.__forge = () => {
    const frame = [document, ...roots].map((root) => root.querySelector('iframe')).find(Boolean)!;
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (event) => note('forged reply', event.data);
    frame.contentWindow!.postMessage({ v: 1, t: 'hello', site: 'demo', locale: 'en', theme: {} }, '*', [port2]);
    for (const call of [{ name: 'history' }, { name: 'export' }, { name: 'config', arg: { site: 'demo', shareText: true } }, { name: 'send', arg: 'forged by the page' }]) {
      frame.contentWindow!.postMessage({ v: 1, t: 'call', id: 900, ...call }, '*');
      for (const port of ports) port.postMessage({ v: 1, t: 'call', id: 901, ...call });
    }
  };
}

const hostileScript = `(${hostile.toString()})();`;

/** A visitor's page on the shop with the hostile script first in its head. */
async function hostilePage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.route((url) => url.pathname === '/hostile.js', (route) => route.fulfill({ contentType: 'text/javascript', body: hostileScript }));
  await shopWith(page, (html) => html.replace('<head>', '<head><script src="/hostile.js"></script>'));
  return page;
}

/** Visitor and agent exchange canaries; returns them. */
async function converse(browser: Browser, visitor: Page): Promise<{ fromVisitor: string; fromAgent: string }> {
  const fromVisitor = `host-canary-visitor-${randomUUID()}`;
  const fromAgent = `host-canary-agent-${randomUUID()}`;
  await visitor.locator('threadline-chat').getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(visitor).getByRole('textbox', { name: 'Message' });
  await composer.fill(fromVisitor);
  await composer.press('Enter');
  const log = chat(visitor).getByRole('log');
  await expect(log.getByRole('listitem').filter({ hasText: fromVisitor })).not.toContainText('Sending…');
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log').getByText(fromVisitor)).toBeVisible();
  await agent.getByRole('textbox', { name: 'Reply' }).fill(fromAgent);
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(log.getByText(fromAgent)).toBeVisible();
  return { fromVisitor, fromAgent };
}

/** Turns the site's "share message text" setting on or off from the console's Install page. */
async function shareText(browser: Browser, on: boolean): Promise<void> {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin);
  await admin.getByRole('link', { name: 'Install' }).click();
  const box = admin.getByRole('checkbox', { name: 'Share message text with my pages' });
  await box.setChecked(on);
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await admin.context().close();
}

test('a hostile script on the shop’s page sees no message text and no key, and forged commands read no history', async ({ browser }) => {
  const visitor = await hostilePage(browser);
  const { fromVisitor, fromAgent } = await converse(browser, visitor);
  await visitor.evaluate(() => window.__forge());
  // The forged `send` on the loader's own port is a command the page may give (it is the page's
  // chat): it is answered with metadata. Wait for that answer, so the forgeries have been handled.
  await expect.poll(() => visitor.evaluate(() => window.__seen.some((s) => s.startsWith('port message') && s.includes('"id":901')))).toBe(true);
  await visitor.evaluate(() => window.__sweep());
  const seen = await visitor.evaluate(() => window.__seen);

  // The hooks worked: they saw the embed protocol's metadata (a message arrived) …
  expect(seen.some((s) => s.startsWith('port message') && s.includes('"t":"message"'))).toBe(true);
  expect(seen).toContainEqual(expect.stringMatching(/^frame refused: SecurityError/));
  // … but no text, in any direction, anywhere.
  for (const canary of [fromVisitor, fromAgent]) expect(seen.filter((s) => s.includes(canary))).toEqual([]);
  // No key material: this realm never ran a crypto operation, started a worker, opened a database or a socket.
  expect(seen.filter((s) => /^(subtle\.|new Worker|worker |new WebSocket|socket |indexedDB\.open|database)/.test(s))).toEqual([]);
  expect(seen.filter((s) => s.startsWith('broadcast') && !s.includes('"type":"sync"'))).toEqual([]);
  expect(seen.filter((s) => s.startsWith('fetch'))).toEqual([]);
  // The frame took no second handshake, and a call asking for history is refused as not a call.
  expect(seen.filter((s) => s.startsWith('forged reply'))).toEqual([]);
  expect(seen.filter((s) => /"id":901/.test(s) && /history|export/.test(s) && s.startsWith('port message'))).toEqual([]);
  // The chat itself still works, and holds what the page could not read.
  await expect(chat(visitor).getByRole('log').getByText(fromAgent)).toBeVisible();
  await expect((await chatFrame(visitor)).locator('threadline-panel')).toHaveCount(1);
});

test('with the site’s “share message text” setting on, the same script receives the text (so the check above can fail)', async ({ browser }) => {
  await shareText(browser, true);
  try {
    const visitor = await hostilePage(browser);
    const { fromAgent } = await converse(browser, visitor);
    await expect.poll(() => visitor.evaluate((canary) => window.__seen.some((s) => s.startsWith('port message') && s.includes(canary)), fromAgent)).toBe(true);
  } finally {
    await shareText(browser, false);
  }
});
