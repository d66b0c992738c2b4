/**
 * The script tag's loader (IIFE, < 1 KB). It defines `window.threadline(...)` as a command queue
 * and waits until the page is idle. Then it adds `<threadline-chat>` and loads `widget.js` (the
 * element's code: the launcher, the frame, its protocol, the commands), which draws the launcher
 * and creates the chat's cross-origin frame; a call after that loads it at once. The launcher is
 * drawn once, by the element: nothing on the host page is drawn twice.
 *
 *   <script async src="https://RELAY/widget/threadline.js" data-site="SITE_ID" data-org-key="FINGERPRINT"></script>
 */
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
    // The element's code draws the launcher and creates the frame now, while the page is idle: the
    // frame runs in its own process, stays light until the chat is used, and counts a returning
    // visitor's unread replies (only it can see its storage).
    void load();
  };
  const idle = () => ('requestIdleCallback' in w ? w.requestIdleCallback(boot, { timeout: 3000 }) : setTimeout(boot, 1));
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', idle);
  else idle();
})(window, document);
