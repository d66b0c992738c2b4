/**
 * A page-level trap for hostile text: the payloads of `tests/fixtures/xss/payloads.txt` call
 * `__xss(n)`, `alert`, `confirm`, `prompt` or `print`, which the trap records instead of running; a
 * MutationObserver on the document and on every shadow root records any element or attribute a
 * payload could have injected (event handlers, script-bearing URLs, frames, foreign scripts); and
 * `scanMessages` checks, at the end, that message bubbles hold only the elements Threadline renders.
 * The page is served without its Content-Security-Policy, so an injection would run, not be blocked.
 */
import { readFileSync } from 'node:fs';
import type { Frame, Page } from '@playwright/test';

/** The corpus: every line that is not part of the `# ` header. */
export const PAYLOADS = readFileSync(new URL('../fixtures/xss/payloads.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && line !== '#' && !line.startsWith('# '));

/** Runs in the page before any of its scripts. */
function trap(): void {
  const hits: string[] = [];
  const w = window as unknown as Record<string, unknown>;
  w.__hostile = hits;
  const record = (what: string) => hits.push(what.slice(0, 300));
  w.__xss = (n: unknown) => record(`__xss(${String(n)}) ran`);
  for (const name of ['alert', 'confirm', 'prompt', 'print']) w[name] = (...args: unknown[]) => record(`${name}(${args.join(',')}) ran`);
  document.addEventListener('securitypolicyviolation', (event) => record(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));

  const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster', 'dynsrc', 'lowsrc']);
  const FORBIDDEN = new Set(['IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'BASE', 'PORTAL', 'FENCEDFRAME']);
  const describe = (element: Element) => `<${element.localName}${[...element.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')}>`;
  const checkAttribute = (element: Element, name: string, value: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('on')) record(`event-handler attribute ${describe(element)}`);
    else if (lower === 'srcdoc') record(`srcdoc attribute ${describe(element)}`);
    else if (URL_ATTRIBUTES.has(lower) && /^[\s\0-\x1f]*(javascript|vbscript|data:text\/html)/i.test(value)) record(`script URL ${describe(element)}`);
  };
  const checkElement = (element: Element) => {
    // The chat's own frame, which the loader adds to the page, is expected; any other frame is not.
    const chatFrame = element.localName === 'iframe' && element.getAttribute('title') === 'Chat' && /\/frame\/\?site=[\w-]+$/.test(element.getAttribute('src') ?? '');
    if (FORBIDDEN.has(element.tagName.toUpperCase()) && !chatFrame) record(`forbidden element ${describe(element)}`);
    if (element.localName === 'script') {
      const src = element.getAttribute('src');
      if (!src || new URL(src, location.href).origin !== location.origin) record(`script ${describe(element)}`);
    }
    for (const attribute of element.attributes) checkAttribute(element, attribute.name, attribute.value);
  };
  const checkTree = (node: Node) => {
    if (node instanceof Element) {
      checkElement(node);
      for (const child of node.querySelectorAll('*')) checkElement(child);
    }
  };
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === 'attributes' && mutation.target instanceof Element) {
        checkAttribute(mutation.target, mutation.attributeName!, mutation.target.getAttribute(mutation.attributeName!) ?? '');
      }
      for (const node of mutation.addedNodes) checkTree(node);
    }
  });
  const watch = (root: Node) => observer.observe(root, { subtree: true, childList: true, attributes: true });
  watch(document);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attachShadow.call(this, init);
    watch(root);
    return root;
  };
}

/** Installs the trap and serves `paths` without their Content-Security-Policy. */
export async function armTrap(page: Page, paths: string[]): Promise<void> {
  await page.addInitScript(trap);
  await page.route(
    (url) => paths.includes(url.pathname),
    async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-security-policy'];
      await route.fulfill({ response, headers });
    },
  );
}

/** What the trap recorded so far. */
export const trapped = (page: Page | Frame) => page.evaluate(() => (window as unknown as { __hostile: string[] }).__hostile);

/** The elements and attributes a message bubble may contain (the widget's and the console's templates). */
const ALLOWED = {
  elements: ['li', 'span', 'p', 'a', 'strong', 'em', 'code', 'button', 'small', 'time'],
  attributes: ['class', 'dir', 'href', 'target', 'rel', 'title', 'aria-label', 'type', 'download', 'datetime'],
};

export interface Bubble {
  from: 'mine' | 'theirs' | 'visitor' | 'agent';
  status: 'sending' | 'sent' | 'unreadable' | 'failed';
  text: string;
}

/**
 * Every message bubble in every `role=log` of the page, shadow roots included: its side and text,
 * after checking that it holds only allowed elements and attributes (else it is reported in `bad`).
 */
export const scanMessages = (page: Page | Frame) =>
  page.evaluate((allowed) => {
    const bubbles: Bubble[] = [];
    const bad: string[] = [];
    const roots: (Document | ShadowRoot)[] = [];
    const collect = (root: Document | ShadowRoot) => {
      roots.push(root);
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) collect(element.shadowRoot);
    };
    collect(document);
    for (const root of roots) {
      for (const item of root.querySelectorAll('[role=log] li.message')) {
        for (const element of [item, ...item.querySelectorAll('*')]) {
          if (!allowed.elements.includes(element.localName)) bad.push(`element <${element.localName}> in ${item.outerHTML.slice(0, 200)}`);
          for (const attribute of element.attributes) {
            if (!allowed.attributes.includes(attribute.name)) bad.push(`attribute ${attribute.name} in ${item.outerHTML.slice(0, 200)}`);
            // Links in text are http(s); an opened attachment is a blob: URL to download.
            const link = /^https?:\/\//.test(attribute.value) || (/^blob:/.test(attribute.value) && element.hasAttribute('download'));
            if (attribute.name === 'href' && !link) bad.push(`href ${attribute.value}`);
          }
        }
        const from = ['mine', 'theirs', 'visitor', 'agent'].find((c) => item.classList.contains(c)) as Bubble['from'];
        const status = ['sending', 'sent', 'unreadable', 'failed'].find((c) => item.classList.contains(c)) as Bubble['status'];
        // The message's text: its first paragraph (the rest are ratings, files, the status line).
        bubbles.push({ from, status, text: item.querySelector('p')?.textContent ?? '' });
      }
    }
    return { bubbles, bad };
  }, ALLOWED);

/** Light formatting turns **bold**, _italic_ and `code` into elements: compare text without those markers. */
export const plain = (text: string) => text.replace(/[*_`]/g, '');
