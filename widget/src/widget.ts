/**
 * `<threadline-chat site="…" relay="…">`: the launcher button. The panel, the SDK and the crypto
 * worker load on first use, so a page that never opens the chat pays for the launcher only.
 */
import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { launcherStyles } from './styles.ts';

type Command = [string, ...unknown[]];
const OPEN_KEY = 'threadline-open';

export class ThreadlineChat extends LitElement {
  static override styles = launcherStyles;
  static override properties = {
    site: { reflect: true },
    relay: { reflect: true },
    orgKey: { attribute: 'org-key', reflect: true },
    channels: { reflect: true },
    open: { type: Boolean, reflect: true },
    loaded: { state: true },
  };

  declare site: string;
  declare relay: string;
  /** The organisation key fingerprint the business pinned (`data-org-key`). */
  declare orgKey: string | undefined;
  /** Comma-separated messengers to offer (`data-channels`), default all the business set up. */
  declare channels: string | undefined;
  declare open: boolean;
  declare loaded: boolean;

  constructor() {
    super();
    this.open = false;
    this.loaded = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.relay ||= location.origin;
    takeOverQueue(this);
    if (sessionStorage.getItem(OPEN_KEY)) void this.show();
  }

  /** Opens the panel, loading it first if needed. */
  async show(): Promise<void> {
    await import('./panel.ts');
    this.loaded = true;
    this.open = true;
  }

  hide(): void {
    this.open = false;
  }

  toggle(): Promise<void> | void {
    return this.open ? this.hide() : this.show();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open') || changed.get('open') === undefined) return;
    if (this.open) {
      sessionStorage.setItem(OPEN_KEY, '1');
      const panel = this.renderRoot.querySelector<LitElement>('threadline-panel');
      void panel?.updateComplete.then(() => panel.focus());
    } else {
      sessionStorage.removeItem(OPEN_KEY);
      this.renderRoot.querySelector<HTMLButtonElement>('.launcher')?.focus();
    }
  }

  protected override render() {
    return html`
      ${this.loaded
        ? html`<threadline-panel
            id="panel"
            part="panel"
            .site=${this.site}
            .relay=${this.relay}
            .orgKey=${this.orgKey}
            .channels=${this.channels}
            ?hidden=${!this.open}
            @threadline-close=${this.hide}
          ></threadline-panel>`
        : nothing}
      <button
        class="launcher"
        part="launcher"
        type="button"
        aria-label=${this.open ? 'Close chat' : 'Open chat'}
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        @click=${this.toggle}
      >
        <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
          ${this.open
            ? svg`<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" fill="none" />`
            : svg`<path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A2.5 2.5 0 0 1 4 13.5z" fill="currentColor" />`}
        </svg>
      </button>
    `;
  }
}

/** Replays commands queued by the loader and handles later ones directly. */
function takeOverQueue(chat: ThreadlineChat): void {
  const w = window as unknown as { threadline?: { q?: Command[] } & ((...args: Command) => void) };
  const run = ([command]: Command) => {
    if (command === 'open') void chat.show();
    else if (command === 'close') chat.hide();
    else if (command === 'toggle') void chat.toggle();
    else console.error(`Threadline: failed to run '${String(command)}': it is not a command. Use open, close or toggle.`);
  };
  for (const args of w.threadline?.q ?? []) run(args);
  w.threadline = Object.assign((...args: Command) => run(args), { q: [] });
}

if (!customElements.get('threadline-chat')) customElements.define('threadline-chat', ThreadlineChat);

declare global {
  interface HTMLElementTagNameMap {
    'threadline-chat': ThreadlineChat;
  }
}
