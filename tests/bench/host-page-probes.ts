/**
 * Scripts the host-page benchmark runs inside the page. They are plain source text, so that what
 * the page runs is exactly what is written here (no transpiler helpers).
 */

/** Runs before the page's own scripts: records long tasks, layout shifts (CLS) and the first click. */
export const observe = `(() => {
  const seen = { longTasks: [], cls: 0, clickAt: -1 };
  window.__hostCost = seen;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) seen.cls += e.value; }).observe({ type: 'layout-shift', buffered: true });
  addEventListener('click', (e) => { if (seen.clickAt < 0) seen.clickAt = e.timeStamp; }, true);
})()`;

/**
 * An expression resolving to the ms from the first click until `selector` (looked up through open
 * shadow roots) is visible, laid out and enabled; checked once per frame.
 */
export const whenReady = (selector: string) => `new Promise((resolve) => {
  const selector = ${JSON.stringify(selector)};
  const find = (root) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  const tick = () => {
    const el = find(document);
    const ready = el && el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && el.getBoundingClientRect().width > 0 && !el.disabled;
    if (window.__hostCost.clickAt >= 0 && ready) resolve(performance.now() - window.__hostCost.clickAt);
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

/**
 * In a chat frame: resolves with the absolute time (ms since the epoch, comparable across the
 * page's and the frame's clocks) at which the composer is first visible and enabled.
 */
export const readyAt = (selector: string) => `new Promise((resolve) => {
  const selector = ${JSON.stringify(selector)};
  const find = (root) => root.querySelector(selector) ?? [...root.querySelectorAll('*')].map((el) => el.shadowRoot && find(el.shadowRoot)).find(Boolean) ?? null;
  const tick = () => {
    const el = find(document);
    const ready = el && el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && el.getBoundingClientRect().width > 0 && !el.disabled;
    if (ready) resolve(performance.timeOrigin + performance.now());
    else requestAnimationFrame(tick);
  };
  // A hidden frame gets no animation frames: poll with a timer too.
  setInterval(tick, 4);
  requestAnimationFrame(tick);
})`;
