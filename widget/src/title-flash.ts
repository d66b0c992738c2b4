/**
 * The host page's title flashes ("New message" and the page's own title, in turn) while its tab is
 * hidden and a reply has come, until the visitor comes back. The frame asks for it (`notify`, in
 * one tab only); no message text is in it. A chunk the host element loads on the first such reply.
 */
let stop: (() => void) | undefined;

export function flashTitle(text: string): void {
  stop?.();
  if (!document.hidden) return;
  let original = document.title;
  let shown = text;
  const timer = setInterval(() => {
    // The page changed its own title meanwhile (a single-page app): that one comes back at the end.
    if (document.title !== shown) original = document.title;
    document.title = shown = shown === text ? original : text;
  }, 1000);
  const back = () => {
    if (document.hidden) return;
    clearInterval(timer);
    if (document.title === shown) document.title = original;
    document.removeEventListener('visibilitychange', back);
    stop = undefined;
  };
  stop = () => {
    clearInterval(timer);
    document.title = original;
    document.removeEventListener('visibilitychange', back);
  };
  document.addEventListener('visibilitychange', back);
  document.title = shown;
}
