/**
 * The script tag's loader (IIFE, < 2 KB). It defines `window.threadline(...)` as a command queue,
 * waits until the page is idle, then adds `<threadline-chat>` and loads the widget module from
 * beside itself. Nothing else runs on the host page.
 *
 *   <script async src="https://RELAY/widget/threadline.js" data-site="SITE_ID" data-org-key="FINGERPRINT"></script>
 */
type Queue = unknown[][];
type Api = ((...args: unknown[]) => void) & { q: Queue; r: string };

((w: Window & { threadline?: Api }, d: Document) => {
  const script = d.currentScript as HTMLScriptElement | null;
  if (!script?.src) return;
  // Without data-site the page boots the chat itself: threadline('boot', { site: '…' }).
  const site = script.dataset.site;
  const queue: Queue = w.threadline?.q ?? [];
  const base = new URL('.', script.src);
  const api = ((...args: unknown[]) => void queue.push(args)) as Api;
  api.q = queue;
  api.r = script.dataset.relay ?? base.origin;
  w.threadline = api;

  const boot = () => {
    if (site && !d.querySelector('threadline-chat')) {
      const chat = d.createElement('threadline-chat');
      chat.setAttribute('site', site);
      chat.setAttribute('relay', api.r);
      if (script.dataset.orgKey) chat.setAttribute('org-key', script.dataset.orgKey);
      if (script.dataset.channels) chat.setAttribute('channels', script.dataset.channels);
      if (script.dataset.locale) chat.setAttribute('locale', script.dataset.locale);
      d.body.append(chat);
    }
    // import() rather than a <script type="module"> element: nothing is added to the host page's
    // head, and under a Content-Security-Policy the import carries this script's nonce by itself.
    import(new URL('widget.js', base).href).catch((reason: unknown) =>
      console.error(`Threadline: failed to load the chat: ${String(reason)}. Check that widget.js is served beside threadline.js.`),
    );
  };
  const idle = () => ('requestIdleCallback' in w ? w.requestIdleCallback(boot, { timeout: 3000 }) : setTimeout(boot, 1));
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', idle);
  else idle();
})(window, document);
