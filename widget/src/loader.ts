/**
 * The script tag's loader (IIFE, < 2 KB). It defines `window.threadline(...)` as a command queue
 * and waits until the page is idle. Then it adds `<threadline-chat>`, draws the launcher itself and
 * loads `widget.js` (the element's code: the frame, its protocol, the commands; about 1.5 KB), which
 * creates the chat's cross-origin frame. On pointer or focus intent, or a call, it loads at once.
 *
 *   <script async src="https://RELAY/widget/threadline.js" data-site="SITE_ID" data-org-key="FINGERPRINT"></script>
 */
import { BUBBLE, LAUNCHER_CSS, OPEN, pickLocale } from './launcher.ts';

type Queue = unknown[][];
type Api = ((...args: unknown[]) => void) & { q: Queue; r: string; f?: string | undefined };

((w: Window & { threadline?: Api }, d: Document) => {
  const script = d.currentScript as HTMLScriptElement | null;
  if (!script?.src) return;
  // Without data-site the page boots the chat itself: threadline('boot', { site: '…' }).
  const site = script.dataset.site;
  const queue: Queue = w.threadline?.q ?? [];
  const base = new URL('.', script.src);
  let booted = false;
  let loading: Promise<unknown> | undefined;
  // import() rather than a <script type="module"> element: nothing is added to the host page's
  // head, and under a Content-Security-Policy the import carries this script's nonce by itself.
  const load = () =>
    (loading ??= import(new URL('widget.js', base).href).catch((reason: unknown) =>
      console.error(`Threadline: failed to load the chat: ${String(reason)}. Check that widget.js is served beside threadline.js.`),
    ));
  const api = ((...args: unknown[]) => {
    queue.push(args);
    if (booted) void load();
  }) as Api;
  api.q = queue;
  api.r = script.dataset.relay ?? base.origin;
  api.f = script.dataset.frameOrigin;
  w.threadline = api;

  /** The launcher, drawn inside the element until the widget upgrades it (its own shadow root then hides it). */
  const launcher = (chat: HTMLElement & { call?(name: string): void; prepare?(): void }) => {
    const corner = d.createElement('div');
    const root = corner.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(LAUNCHER_CSS);
    root.adoptedStyleSheets = [sheet];
    const language = pickLocale(script.dataset.locale, d.documentElement.lang, navigator.language);
    corner.dir = language === 'ar' ? 'rtl' : 'ltr';
    const button = d.createElement('button');
    button.className = 'launcher';
    button.setAttribute('part', 'launcher');
    button.setAttribute('aria-label', OPEN[language]!);
    const svg = d.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    const path = d.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', BUBBLE);
    path.setAttribute('fill', 'currentColor');
    svg.append(path);
    button.append(svg);
    const upgraded = () => load().then(() => customElements.whenDefined('threadline-chat'));
    button.onclick = () => void upgraded().then(() => chat.call?.('open'));
    // Intent: the element's code and the chat's frame start loading before the click lands.
    button.onpointerenter = button.onfocus = () => void upgraded().then(() => chat.prepare?.());
    root.append(button);
    chat.append(corner);
    void customElements.whenDefined('threadline-chat').then(() => corner.remove());
  };

  const boot = () => {
    booted = true;
    let chat = d.querySelector('threadline-chat') as HTMLElement | null;
    if (site && !chat) {
      chat = d.createElement('threadline-chat');
      chat.setAttribute('site', site);
      chat.setAttribute('relay', api.r);
      if (script.dataset.orgKey) chat.setAttribute('org-key', script.dataset.orgKey);
      if (script.dataset.channels) chat.setAttribute('channels', script.dataset.channels);
      if (script.dataset.locale) chat.setAttribute('locale', script.dataset.locale);
      if (api.f) chat.setAttribute('frame-origin', api.f);
      d.body.append(chat);
    }
    if (chat && !queue.length) launcher(chat);
    // The frame is created now, while the page is idle: it runs in its own process, stays light until
    // the chat is used, and counts a returning visitor's unread replies (only it can see its storage).
    void load();
  };
  const idle = () => ('requestIdleCallback' in w ? w.requestIdleCallback(boot, { timeout: 3000 }) : setTimeout(boot, 1));
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', idle);
  else idle();
})(window, document);
