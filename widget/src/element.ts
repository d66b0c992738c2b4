/**
 * The panel's base: reactive properties, a batched update on a microtask, lit-html templates in an
 * open shadow root, constructed style sheets and reactive controllers — the part of LitElement the
 * panel uses, for about a tenth of its bytes (LitElement and ReactiveElement are 2.5 KB brotli of a
 * first use budgeted at 30 KB; lit-html, the templates, stays).
 */
import { render } from 'lit/html.js';

export type Changed = Map<PropertyKey, unknown>;

/** A style sheet's text; the build minifies what this tag wraps. */
export const css = String.raw;

export interface Controller {
  hostConnected?(): void;
  hostDisconnected?(): void;
}

export abstract class ReactiveElement extends HTMLElement {
  /** Names of the properties whose change re-renders the element. */
  static properties: string[] = [];
  static styles: string[] = [];
  /** Each subclass's sheets, made (with its property accessors) when its first instance is. */
  static #sheets = new WeakMap<object, CSSStyleSheet[]>();

  readonly renderRoot = this.attachShadow({ mode: 'open' });
  hasUpdated = false;
  #values = new Map<PropertyKey, unknown>();
  #changed: Changed = new Map();
  #controllers: Controller[] = [];
  #queued = false;
  #adopted = new Set<string>();
  #done: Promise<boolean> = Promise.resolve(true);
  #resolve: (value: boolean) => void = () => {};

  constructor() {
    super();
    const type = this.constructor as typeof ReactiveElement;
    let sheets = ReactiveElement.#sheets.get(type);
    if (!sheets) {
      sheets = type.styles.map((text) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        return sheet;
      });
      ReactiveElement.#sheets.set(type, sheets);
      for (const name of type.properties) {
        Object.defineProperty(type.prototype, name, {
          get(this: ReactiveElement) {
            return this.#values.get(name);
          },
          set(this: ReactiveElement, value: unknown) {
            const old = this.#values.get(name);
            if (old === value || (old !== old && value !== value)) return;
            this.#values.set(name, value);
            this.requestUpdate(name, old);
          },
        });
      }
    }
    this.renderRoot.adoptedStyleSheets = sheets;
  }

  /** Adds the style sheet a view loaded on demand brings with it (once): first use carries none of it. */
  adopt(text: string): void {
    const root = this.renderRoot;
    if (this.#adopted.has(text)) return;
    this.#adopted.add(text);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }

  addController(controller: Controller): void {
    this.#controllers.push(controller);
    if (this.isConnected) controller.hostConnected?.();
  }

  connectedCallback(): void {
    for (const controller of this.#controllers) controller.hostConnected?.();
    if (this.#queued) queueMicrotask(() => this.#perform());
  }

  disconnectedCallback(): void {
    for (const controller of this.#controllers) controller.hostDisconnected?.();
  }

  /** Resolves once the pending update (the first one waits for the element to be connected) is rendered. */
  get updateComplete(): Promise<boolean> {
    return this.#done;
  }

  requestUpdate(name?: PropertyKey, old?: unknown): void {
    if (name !== undefined && !this.#changed.has(name)) this.#changed.set(name, old);
    if (this.#queued) return;
    this.#queued = true;
    this.#done = new Promise((resolve) => (this.#resolve = resolve));
    if (this.isConnected) queueMicrotask(() => this.#perform());
  }

  #perform(): void {
    if (!this.#queued || !this.isConnected) return;
    const changed = this.#changed;
    const resolve = this.#resolve;
    this.#changed = new Map();
    this.#queued = false;
    try {
      this.willUpdate(changed);
      this.update(changed);
      this.hasUpdated = true;
      this.updated(changed);
    } finally {
      resolve(true);
    }
  }

  protected willUpdate(_changed: Changed): void {}

  protected update(_changed: Changed): void {
    render(this.render(), this.renderRoot, { host: this });
  }

  protected updated(_changed: Changed): void {}

  protected abstract render(): unknown;
}
