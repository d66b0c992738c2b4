/**
 * The script tag's loader (IIFE, < 2 KB). It defines `window.threadline(...)` as a command queue,
 * waits until the page is idle, then adds `<threadline-chat>` and loads the widget module from
 * beside itself. Nothing else runs on the host page.
 *
 *   <script async src="https://RELAY/widget/threadline.js" data-site="SITE_ID" data-org-key="FINGERPRINT"></script>
 */
type Queue = unknown[][];
type Api = ((...args: unknown[]) => void) & { q: Queue };

((w: Window & { threadline?: Api }, d: Document) => {
  const script = d.currentScript as HTMLScriptElement | null;
  if (!script?.src) return;
  const site = script.dataset.site;
  if (!site) {
    console.error('Threadline: failed to load the chat: the script tag has no data-site attribute. Add data-site="<your site id>" from the Threadline console.');
    return;
  }
  const queue: Queue = w.threadline?.q ?? [];
  const api = ((...args: unknown[]) => void queue.push(args)) as Api;
  api.q = queue;
  w.threadline = api;

  const base = new URL('.', script.src);
  const boot = () => {
    if (d.querySelector('threadline-chat')) return;
    const chat = d.createElement('threadline-chat');
    chat.setAttribute('site', site);
    chat.setAttribute('relay', script.dataset.relay ?? base.origin);
    if (script.dataset.orgKey) chat.setAttribute('org-key', script.dataset.orgKey);
    if (script.dataset.channels) chat.setAttribute('channels', script.dataset.channels);
    d.body.append(chat);
    const module = d.createElement('script');
    module.type = 'module';
    module.src = new URL('widget.js', base).href;
    if (script.nonce) module.nonce = script.nonce;
    d.head.append(module);
  };
  const idle = () => ('requestIdleCallback' in w ? w.requestIdleCallback(boot, { timeout: 3000 }) : setTimeout(boot, 1));
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', idle);
  else idle();
})(window, document);
