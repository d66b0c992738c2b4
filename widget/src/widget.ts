/**
 * `<threadline-chat site="…" relay="…">`: the launcher button and the panel. The panel's client
 * (the SDK and the crypto worker) starts on first use. From the script tag, the loader draws the
 * same launcher and loads this module only on first use (or at once for a returning visitor, or a
 * page that calls the API), so a page whose visitors never open the chat pays for the loader only.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ChatMessage, Client } from '@threadline/sdk';
import { emit, takeOverQueue } from './commands.ts';
import { launcherEnglish, loadStrings, pickLocale, type LauncherStrings, type Strings } from './i18n/index.ts';
import { BUBBLE } from './launcher.ts';
import './panel.ts';
import { launcherStyles } from './styles.ts';


/** Set while the panel is open in this tab: a reload reopens it. */
const OPEN_KEY = 'threadline-open';
/** Set while this browser has a conversation: the widget then connects on idle, to count unread replies. */
export const ACTIVE_KEY = 'threadline-active';

export class ThreadlineChat extends LitElement {
  static override styles = launcherStyles;
  static override properties = {
    site: { reflect: true },
    relay: { reflect: true },
    orgKey: { attribute: 'org-key', reflect: true },
    channels: { reflect: true },
    locale: { reflect: true },
    open: { type: Boolean, reflect: true },
    loaded: { state: true },
    unread: { state: true },
    t: { state: true },
  };

  declare site: string;
  declare relay: string;
  /** The organisation key fingerprint the business pinned (`data-org-key`). */
  declare orgKey: string | undefined;
  /** Comma-separated messengers to offer (`data-channels`), default all the business set up. */
  declare channels: string | undefined;
  declare open: boolean;
  declare loaded: boolean;
  /** Replies from the business not seen yet. */
  declare unread: number;
  /** The language option (`data-locale`, `setLocale`); by default the page's, then the browser's. */
  declare locale: string | undefined;
  /** The words in that language (the launcher's English ones until the language is loaded). */
  declare t: LauncherStrings | Strings;

  constructor() {
    super();
    this.open = false;
    this.loaded = false;
    this.unread = 0;
    this.t = launcherEnglish;
  }

  /** The language in use (for dates and times too). */
  get language(): string {
    return pickLocale(this.locale, document.documentElement.lang, navigator.language);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.relay ||= location.origin;
    takeOverQueue();
    emit('ready');
    if (sessionStorage.getItem(OPEN_KEY)) void this.show();
    // A returning visitor with a conversation: connect quietly, to count unread replies.
    else if (localStorage.getItem(ACTIVE_KEY)) void this.#load();
  }

  async #load(): Promise<void> {
    if (!('greeting' in this.t)) await this.#strings();
    this.loaded = true;
    await this.updateComplete;
  }

  #panel(): (LitElement & { client: Client | undefined }) | null {
    return this.renderRoot.querySelector('threadline-panel');
  }

  /** Opens the panel, loading it first if needed. */
  async show(): Promise<void> {
    await this.#load();
    this.open = true;
  }

  hide(): void {
    this.open = false;
  }

  /** Sends a message without opening the panel (the script-tag `send` command). */
  async send(text: string): Promise<ChatMessage> {
    await this.#load();
    const panel = this.#panel()!;
    await panel.updateComplete;
    return panel.client!.send(text);
  }

  /** Closes the connection and removes the widget (the script-tag `shutdown` command). */
  shutdown(): void {
    this.#panel()?.client?.close();
    this.remove();
  }

  /** Called by the panel for every new message after the history loaded. */
  #received = (message: ChatMessage): void => {
    emit('message', message);
    if (message.from !== 'agent' || (this.open && !document.hidden)) return;
    this.unread++;
    emit('unread', this.unread);
  };

  toggle(): Promise<void> | void {
    return this.open ? this.hide() : this.show();
  }

  /** Loads the words of the current language (with the panel, or at once for a language other than English). */
  async #strings(): Promise<Strings> {
    const language = this.language;
    const t = await loadStrings(language);
    this.t = t;
    this.dir = t.dir;
    this.lang = language;
    return t;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('locale') || !this.hasUpdated) && (this.loaded || this.language !== 'en')) void this.#strings();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open') || changed.get('open') === undefined) return;
    if (this.open) {
      sessionStorage.setItem(OPEN_KEY, '1');
      const panel = this.#panel();
      void panel?.updateComplete.then(() => panel.focus());
      if (this.unread) emit('unread', (this.unread = 0));
    } else {
      sessionStorage.removeItem(OPEN_KEY);
      this.renderRoot.querySelector<HTMLButtonElement>('.launcher')?.focus();
    }
    emit(this.open ? 'open' : 'close');
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
            .t=${this.t as Strings}
            .language=${this.language}
            ?hidden=${!this.open}
            .onMessage=${this.#received}
            .onHandoff=${(channel: string) => emit('handoff', channel)}
            @threadline-close=${this.hide}
          ></threadline-panel>`
        : nothing}
      <button
        class="launcher"
        part="launcher"
        type="button"
        aria-label=${this.open ? this.t.close : this.unread ? this.t.openUnread(this.unread) : this.t.open}
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        @click=${this.toggle}
      >
        <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
          <path
            d=${this.open ? 'M6 6l12 12M18 6L6 18' : BUBBLE}
            stroke=${this.open ? 'currentColor' : 'none'}
            stroke-width="2.2"
            stroke-linecap="round"
            fill=${this.open ? 'none' : 'currentColor'}
          />
        </svg>
        ${this.unread ? html`<span class="badge" aria-hidden="true">${this.unread}</span>` : nothing}
      </button>
    `;
  }
}

if (!customElements.get('threadline-chat')) customElements.define('threadline-chat', ThreadlineChat);
// A page without data-site boots the chat through the queue: answer it even before any element exists.
takeOverQueue();

declare global {
  interface HTMLElementTagNameMap {
    'threadline-chat': ThreadlineChat;
  }
}
