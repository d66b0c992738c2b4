/**
 * `<threadline-chat site="…">` on the host page: the launcher, one cross-origin iframe holding the
 * chat (panel, SDK, crypto worker, storage), and the script-tag API, `window.threadline(…)`, whose
 * commands become embed messages. The loader (`threadline.js`) queues calls and loads this module
 * when the page is idle, or at once on intent; a page may also load it itself and place the element.
 *
 * The frame is created at idle (it runs in its own process and stays light until the chat is used;
 * a returning visitor's unread replies are counted), or earlier on pointer or focus intent. The
 * page receives open state, unread counts and message metadata, never a conversation's text
 * (unless the business shares it), and cannot ask the frame for history.
 */
import { checkSender, EMBED_VERSION as v, fromFrame, type Call, type FrameMessage, type Theme } from './embed-protocol.ts';
import { BUBBLE, LAUNCHER_CSS, OPEN, pickLocale } from './launcher.ts';

type Handler = (detail?: unknown) => void;
type Api = ((...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; r?: string; f?: string; live?: 1 };

const w = window as Window & { threadline?: Api };
const d = document;
/** The loader's defaults for `boot`: the relay and the frame's origin (its `data-` attributes). */
const defaults = { relay: w.threadline?.r, frameOrigin: w.threadline?.f };
/** Where this file came from: the relay, and by default the frame's origin. */
const here = new URL(import.meta.url);
const THEME = ['accent', 'accent-text', 'surface', 'text', 'muted', 'bubble', 'link', 'radius', 'font'];
const FRAME_CSS =
  'iframe{position:fixed;inset-block-end:92px;inset-inline-end:20px;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 120px));border:0;border-radius:var(--tl-radius,16px);box-shadow:0 12px 40px rgb(0 0 0/.25);color-scheme:normal}' +
  '@media (max-width:480px){iframe{inset:0;width:100%;height:100%;border-radius:0}}';

const handlers = new Map<string, Set<Handler>>();
let ready = false;
const emit = (event: string, detail?: unknown) => {
  ready ||= event === 'ready';
  for (const handler of handlers.get(event) ?? []) {
    try {
      handler(detail);
    } catch (failure) {
      console.error(`Threadline: an '${event}' handler threw`, failure);
    }
  }
};
const fail = (command: string, reason: string) => console.error(`Threadline: failed to run '${command}': ${reason}. See Threadline's README.`);

class ThreadlineChat extends HTMLElement {
  static observedAttributes = ['site', 'org-key', 'channels', 'locale'];
  unread = 0;
  open = false;
  #root = this.attachShadow({ mode: 'open' });
  #button = d.createElement('button');
  #badge = d.createElement('span');
  #icon = d.createElementNS('http://www.w3.org/2000/svg', 'path');
  /** The launcher's label in the chat's language, as the frame last said it. */
  #said = '';
  #frame: HTMLIFrameElement | undefined;
  #port: MessagePort | undefined;
  #pending: Call[] = [];
  #results = new Map<number, [(value: unknown) => void, (reason: Error) => void]>();
  #id = 0;
  #origin = '';
  /** The theme last sent to the frame, to send it again if the page changed it since. */
  #sentTheme = '';
  /** The frame refused this page, or the browser did not let it load (a frame that loaded and said nothing): the chat cannot run here. */
  #refused = false;
  #landed = false;

  constructor() {
    super();
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(LAUNCHER_CSS + FRAME_CSS);
    this.#root.adoptedStyleSheets = [sheet];
    const button = this.#button;
    button.className = 'launcher';
    button.setAttribute('part', 'launcher');
    button.setAttribute('aria-expanded', 'false');
    const svg = d.createElementNS('http://www.w3.org/2000/svg', 'svg');
    for (const [name, value] of [['viewBox', '0 0 24 24'], ['width', '28'], ['height', '28'], ['aria-hidden', 'true']]) svg.setAttribute(name!, value!);
    this.#icon.setAttribute('d', BUBBLE);
    this.#icon.setAttribute('fill', 'currentColor');
    svg.append(this.#icon);
    button.append(svg);
    this.#badge.className = 'badge';
    this.#badge.setAttribute('aria-hidden', 'true');
    button.onclick = () => {
      // A frame that loaded without saying hello yet is blocked, or slow (its hello goes after its
      // load event on a busy machine): the note shows, the toggle waits, and a hello removes the note.
      if (this.#refused || (this.#landed && !this.#port)) void import('./unavailable.ts').then(({ toggleNote }) => (this.#refused || !this.#port) && toggleNote(this.#root, this.language));
      if (!this.#refused && !this.#pending.some((call) => call.name === 'toggle')) void this.call('toggle');
    };
    // Intent: the frame starts loading before the click lands.
    button.onpointerenter = button.onfocus = () => this.prepare();
    this.#root.addEventListener('keydown', (event) => (event as KeyboardEvent).key === 'Escape' && this.open && void this.call('close'));
    this.#root.append(button);
  }

  get language(): string {
    return pickLocale(this.getAttribute('locale'), d.documentElement.lang, navigator.language);
  }

  connectedCallback(): void {
    this.#label();
    const idle = () => this.isConnected && this.prepare();
    'requestIdleCallback' in w ? requestIdleCallback(idle, { timeout: 3000 }) : setTimeout(idle, 1);
  }

  disconnectedCallback(): void {
    this.#frame?.remove();
    this.#port?.close();
    this.#frame = this.#port = undefined;
  }

  attributeChangedCallback(name: string): void {
    this.#label();
    if (!this.#port) return;
    if (name === 'site') return this.disconnectedCallback(), this.prepare();
    void this.call('config', this.#options());
  }

  #label(): void {
    this.dir = this.language === 'ar' ? 'rtl' : 'ltr';
    this.#button.setAttribute('aria-label', this.#said || OPEN[this.language]!);
  }

  /** The CSS custom properties the page set for the chat, read here and sent to the frame. */
  #theme(): Theme {
    const style = getComputedStyle(this);
    const theme: Theme = {};
    for (const name of THEME) {
      const value = style.getPropertyValue(`--tl-${name}`).trim();
      if (value) theme[`--tl-${name}`] = value;
    }
    return theme;
  }

  #options() {
    const options = { site: this.getAttribute('site') ?? '', locale: this.language, theme: this.#theme() } as Record<string, unknown>;
    const orgKey = this.getAttribute('org-key');
    const channels = this.getAttribute('channels');
    if (orgKey) options.orgKey = orgKey;
    if (channels) options.channels = channels;
    this.#sentTheme = JSON.stringify(options.theme);
    return options;
  }

  /** Creates the iframe once (at idle, or at once on intent or a call); the frame announces itself, then gets a port in `hello`. */
  prepare(): void {
    const site = this.getAttribute('site');
    if (this.#frame || !site) return;
    const frame = (this.#frame = d.createElement('iframe'));
    this.#origin = new URL(this.getAttribute('frame-origin') || this.getAttribute('relay') || here.origin).origin;
    frame.src = `${this.#origin}/frame/?site=${encodeURIComponent(site)}`;
    frame.title = 'Chat';
    frame.hidden = true;
    // autoplay: the reply chime, once the visitor turned it on in the panel.
    frame.allow = 'clipboard-write; autoplay';
    frame.onload = () => (this.#landed = true);
    const onLoaded = (event: MessageEvent) => {
      try {
        checkSender(event, this.#origin, frame.contentWindow);
        if (fromFrame(event.data).t !== 'loaded') return;
      } catch {
        return;
      }
      w.removeEventListener('message', onLoaded);
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = (message) => this.#receive(message.data);
      frame.contentWindow!.postMessage({ v, t: 'hello', ...this.#options() }, this.#origin, [port2]);
      this.#port = port1;
      this.#root.querySelector('.note')?.remove();
      for (const call of this.#pending.splice(0)) port1.postMessage({ v, t: 'call', ...call });
    };
    w.addEventListener('message', onLoaded);
    this.#root.append(frame);
  }

  #receive(raw: unknown): void {
    let message: FrameMessage;
    try {
      message = fromFrame(raw);
    } catch (error) {
      return console.error(error);
    }
    if (message.t === 'state') {
      if (!ready) emit('ready');
      const { open, unread } = message;
      this.#said = message.label;
      // Focus was in the chat (asked before the frame is hidden, which would drop it): it returns to the launcher.
      const inside = this.#root.activeElement === this.#frame;
      this.#frame!.hidden = !open;
      this.#button.setAttribute('aria-expanded', String(open));
      if (open !== this.open) {
        this.open = open;
        if (open) this.#frame!.focus();
        else if (inside) this.#button.focus();
        emit(open ? 'open' : 'close');
      }
      if (unread !== this.unread) emit('unread', (this.unread = unread));
      this.#badge.textContent = String(unread);
      unread ? this.#button.append(this.#badge) : this.#badge.remove();
      this.#label();
    } else if (message.t === 'refused') {
      this.#refused = true;
    } else if (message.t === 'notify') {
      void import('./title-flash.ts').then(({ flashTitle }) => flashTitle(message.title));
    } else if (message.t === 'result') {
      const [resolve, reject] = this.#results.get(message.id) ?? [];
      this.#results.delete(message.id);
      message.error ? reject?.(new Error(message.error)) : resolve?.(message.value);
    } else if (message.t === 'message' || message.t === 'handoff') emit(message.t, message.t === 'message' ? message.message : message.channel);
  }

  /** Sends a call to the frame (queued until the handshake is done); resolves with its result. */
  call(name: Call['name'], arg?: unknown): Promise<unknown> {
    const call = { id: ++this.#id, name, arg } as Call;
    this.prepare();
    // A theme the page set after the handshake (a late style sheet, a theme switch) reaches the panel when it opens.
    if (this.#port && name !== 'config' && name !== 'send' && JSON.stringify(this.#theme()) !== this.#sentTheme) void this.call('config', this.#options());
    this.#port ? this.#port.postMessage({ v, t: 'call', ...call }) : this.#pending.push(call);
    return new Promise((resolve, reject) => this.#results.set(call.id, [resolve, reject]));
  }
}

const chat = () => d.querySelector('threadline-chat') as ThreadlineChat | null;

function configure(element: HTMLElement, options: Record<string, unknown>): void {
  for (const [key, attribute] of [['site', 'site'], ['orgKey', 'org-key'], ['relay', 'relay'], ['frameOrigin', 'frame-origin'], ['locale', 'locale']]) {
    if (typeof options[key!] === 'string') element.setAttribute(attribute!, options[key!] as string);
  }
  if (Array.isArray(options.channels)) element.setAttribute('channels', options.channels.join(','));
}

function run(command: unknown, args: unknown[]): unknown {
  const element = chat();
  const [first, second] = args;
  switch (command) {
    case 'boot': {
      const options = (first ?? {}) as Record<string, unknown>;
      if (!options.site) return fail('boot', 'no site id was given');
      if (element) return configure(element, options);
      const created = d.createElement('threadline-chat');
      configure(created, { ...defaults, ...options });
      return void d.body.append(created);
    }
    case 'update':
      return element ? configure(element, (first ?? {}) as Record<string, unknown>) : fail('update', 'the chat is not booted');
    case 'shutdown':
      return element?.remove();
    case 'on': {
      if (!['ready', 'open', 'close', 'message', 'unread', 'handoff'].includes(first as string) || typeof second !== 'function') return fail('on', `'${String(first)}' is not an event, or the handler not a function`);
      let set = handlers.get(first as string);
      if (!set) handlers.set(first as string, (set = new Set()));
      set.add(second as Handler);
      if (first === 'ready' && ready) queueMicrotask(() => (second as Handler)());
      return () => set.delete(second as Handler);
    }
    case 'off':
      return void handlers.get(first as string)?.delete(second as Handler);
  }
  if (!element) return fail(String(command), 'the chat is not booted');
  switch (command) {
    case 'show':
    case 'hide':
      return void (element.hidden = command === 'hide');
    case 'send':
    case 'open':
    case 'close':
    case 'toggle':
      if (command === 'send' && typeof first !== 'string') return fail('send', 'the message is not text');
      return element.call(command, first).catch((failure: Error) => fail(command, failure.message));
    case 'getUnreadCount':
      return element.unread;
    case 'setLocale':
      return void element.setAttribute('locale', String(first));
    default:
      return fail(String(command), 'it is not a command');
  }
}

if (!customElements.get('threadline-chat')) customElements.define('threadline-chat', ThreadlineChat);

if (!w.threadline?.live) {
  const queued = Array.from(w.threadline?.q ?? []);
  w.threadline = Object.assign((command: unknown, ...args: unknown[]) => run(command, args), { live: 1 as const });
  for (const call of queued) run(call[0], Array.from(call).slice(1));
}
