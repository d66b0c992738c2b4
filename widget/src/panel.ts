/** `<threadline-panel>`: the conversation — header, messages, composer; the verify and handoff sheets on demand. Loaded lazily. */
import { html, nothing } from 'lit/html.js';
import { signal } from '@preact/signals-core';
import { CHANNEL_NAMES, createClient, opensDirectly, RETENTIONS, tokenize, type Token, type Channel, type ChatMessage, type Client, type Retention, type ThreadlineError, type Verification } from '@threadline/sdk';
import type { Opened } from './file-view.ts';
import type { HandoffState } from './handoff-view.ts';
import { panelStyles } from './styles.ts';
import type { Strings } from './i18n/index.ts';
import { withSheetStrings, type SheetStrings } from './i18n/sheets/index.ts';
import { ReactiveElement, type Changed } from './element.ts';
import { Clock } from './clock.ts';
import { setSound, soundOn } from './sound-setting.ts';
import { continues, dayOf, times } from './timeline.ts';
import { SignalWatcher } from './watch.ts';

/** Message text as elements: links (http and https only, opened safely), bold, italic, code. Never HTML. */
const rich = (token: Token) =>
  token.kind === 'link'
    ? html`<a href=${token.href} target="_blank" rel="noopener noreferrer">${token.text}</a>`
    : token.kind === 'bold'
    ? html`<strong>${token.text}</strong>`
    : token.kind === 'italic'
    ? html`<em>${token.text}</em>`
    : token.kind === 'code'
    ? html`<code>${token.text}</code>`
    : token.text;

const statusText = (t: Strings, status: string) =>
  ({ connecting: t.connecting, offline: t.offline, closed: t.disconnected })[status as 'connecting'] ?? t.replyTime;

/** A long history is shown this many messages per frame (appended, so rendered rows never move), so no task runs long. */
const BATCH = 100;


export class ThreadlinePanel extends ReactiveElement {
  static override styles = panelStyles;
  static override properties = ['site', 'relay', 'orgKey', 'channels', 'failure', 'broken', 'progress', 'verification', 'handoff', 'rating', 'sound', 't', 'language'];

  declare site: string;
  declare relay: string;
  declare orgKey: string | undefined;
  declare channels: string | undefined;
  /** The widget's words, and the language for dates and times. */
  declare t: Strings;
  declare language: string;
  #times = times('en');
  declare failure: ThreadlineError | null;
  /** The chat could not start (e.g. keys that fail verification): show the reason, no composer. */
  declare broken: boolean;
  /** Upload progress of a file being sent, 0..1. */
  declare progress: number | null;
  /** Shown instead of the conversation while set. */
  declare verification: Verification | null;
  /** The "Continue on…" view: false when closed, null while choosing, the link once chosen. */
  declare handoff: HandoffState | null | false;
  /** Whether replies ring (the visitor's choice, kept in the frame). */
  declare sound: boolean;
  /** The rating form: the chosen score while open (0 before a choice), null when closed. */
  declare rating: number | null;
  /** Attachments opened so far, by blob id. */
  readonly #opened = new Map<string, Opened>();
  readonly #client = signal<Client | undefined>(undefined);
  /** Told about each message that arrives after the history (unread counts, `message` events). */
  onMessage: (message: ChatMessage) => void = () => {};
  onHandoff: (channel: Channel) => void = () => {};
  #known: Set<string> | undefined;
  /**
   * The verify and "Continue on…" sheets (with the QR encoder): chunks loaded when a visitor first
   * asks for one, as few do, so the first use of the chat does not download them.
   */
  #verifyView: typeof import('./verify-view.ts').verifyView | undefined;
  #handoffView: typeof import('./handoff-view.ts').handoffView | undefined;
  #ratingView: typeof import('./rating-view.ts').ratingView | undefined;
  #fileView: typeof import('./file-view.ts').fileView | undefined;
  /** The chat's words with the sheets' (loaded with the first sheet opened). */
  #sheetT: (Strings & SheetStrings) | undefined;

  get client(): Client | undefined {
    return this.#client.peek();
  }
  /** How many messages are rendered (all, once a long history has been revealed). */
  #shown = Infinity;
  #count = 0;
  #atBottom = true;
  /** Messages are immutable: each one's template is made once, so a long list re-renders cheaply. */
  #templates = new WeakMap<ChatMessage, { key: string; template: ReturnType<typeof html> }>();

  constructor() {
    super();
    this.failure = null;
    this.broken = false;
    this.progress = null;
    this.verification = null;
    this.handoff = false;
    this.rating = null;
    this.sound = soundOn();
    new Clock(this);
    new SignalWatcher(this, () => {
      const client = this.#client.value;
      if (client) this.#notice(client.messages.value);
      return client && [client.messages.value, client.status.value, client.error.value, client.business.value, client.expiresAt.value, client.agentTyping.value, client.readByAgent.value];
    });
  }

  /** Reports messages not seen before; the first non-empty list (the history) only sets what is known. */
  #notice(messages: readonly ChatMessage[]): void {
    if (!this.#known) {
      if (messages.length || this.#client.peek()?.status.peek() === 'online') this.#known = new Set(messages.map((m) => m.id));
      return;
    }
    for (const message of messages) {
      if (this.#known.has(message.id) || message.status === 'sending') continue;
      this.#known.add(message.id);
      this.onMessage(message);
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.#close();
    });
  }

  protected override willUpdate(changed: Changed): void {
    if (changed.has('language') || changed.has('t')) {
      this.#times = times(this.language);
      if (this.#sheetT) void this.#sheetStrings().then(() => this.requestUpdate());
      this.#templates = new WeakMap();
    }
    if (this.#client.peek() || !(changed.has('site') || changed.has('relay'))) return;
    try {
      const channels = this.channels?.split(',').map((c) => c.trim()) as Channel[] | undefined;
      const client = createClient({ site: this.site, relay: this.relay, ...(this.orgKey ? { orgKey: this.orgKey } : {}), ...(channels ? { channels } : {}) });
      this.#client.value = client;
      client.start().catch((error: ThreadlineError) => {
        // The developer's full reason, once; a refused website shows the visitor a short message instead.
        console.error(error.message);
        this.failure = error;
        this.broken = true;
      });
    } catch (error) {
      this.failure = error as ThreadlineError;
      this.broken = true;
    }
  }

  protected override update(changed: Changed): void {
    const log = this.renderRoot.querySelector('.log');
    this.#atBottom = !log || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    const count = this.#client.peek()?.messages.peek().length ?? 0;
    if (this.#count === 0 && count > BATCH) this.#shown = BATCH;
    this.#count = count;
    super.update(changed);
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector('.log');
    if (log && this.#atBottom) log.scrollTop = log.scrollHeight;
    if (!this.hidden && document.visibilityState === 'visible') this.#client.peek()?.markRead();
    if (this.#shown < this.#count) {
      requestAnimationFrame(() => {
        this.#shown += BATCH;
        this.requestUpdate();
      });
    }
  }

  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  #close(): void {
    this.dispatchEvent(new CustomEvent('threadline-close', { bubbles: true, composed: true }));
  }

  #run(work: Promise<unknown>, restore?: () => void): void {
    this.failure = null;
    work.catch((error: ThreadlineError) => {
      this.failure = error;
      restore?.();
    });
  }

  #submit(event: Event): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector('textarea')!;
    const text = input.value.trim();
    const client = this.#client.peek();
    if (!text || !client) return;
    input.value = '';
    const retention = this.renderRoot.querySelector('select')?.value as Retention | undefined;
    this.#run(
      client.send(text, retention ? { retention } : {}),
      () => (input.value ||= text),
    );
  }

  #attach(event: Event): void {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    const client = this.#client.peek();
    input.value = '';
    if (!file || !client) return;
    this.progress = 0;
    this.#run(client.sendFile(file, (fraction) => (this.progress = fraction)).finally(() => (this.progress = null)));
  }

  /** Loads the sheets' words (once per language) with a sheet's chunk. */
  async #sheetStrings(): Promise<void> {
    this.#sheetT = await withSheetStrings(this.t, this.language);
  }

  /** Turns the reply chime on or off; turning it on plays it once (and, being a click, lets the frame play sound later). */
  #toggleSound(): void {
    setSound((this.sound = !this.sound));
    if (this.sound) void import('./sound.ts').then(({ chime }) => chime());
  }

  #verify(): void {
    const client = this.#client.peek();
    const view = import('./verify-view.ts').then(({ verifyView, sheetStyles }) => (this.adopt(sheetStyles), (this.#verifyView = verifyView)));
    if (client) this.#run(Promise.all([client.verify(), view, this.#sheetStrings()]).then(([verification]) => (this.verification = verification)));
  }

  #chooseChannel(): void {
    this.#run(Promise.all([import('./handoff-view.ts'), this.#sheetStrings()]).then(([{ handoffView, sheetStyles }]) => (this.adopt(sheetStyles), (this.#handoffView = handoffView), (this.handoff = null))));
  }

  #continueOn(channel: Channel): void {
    const client = this.#client.peek();
    if (!client) return;
    this.#run(
      client.handoff(channel).then(({ url }) => {
        this.onHandoff(channel);
        if (opensDirectly() && channel !== 'instagram') {
          this.handoff = false;
          open(url, '_blank', 'noopener,noreferrer');
        } else this.handoff = { channel, url };
      }),
    );
  }

  #openFile(client: Client, message: ChatMessage): void {
    const file = message.file!;
    client.openFile(file).then(
      (blob) => this.#opened.set(file.blob, { url: URL.createObjectURL(blob) }),
      (error: Error) => this.#opened.set(file.blob, { problem: error.message }),
    ).finally(() => {
      this.#templates.delete(message);
      this.requestUpdate();
    });
  }

  #openRating(): void {
    this.#run(
      Promise.all([import('./rating-view.ts'), this.#sheetStrings()]).then(([{ ratingView, ratingStyles }]) => {
        this.adopt(ratingStyles);
        this.#ratingView = ratingView;
        this.rating = 0;
      }),
    );
  }

  /** Attachments are drawn by a chunk loaded with the first message that has one; the rows are made again then. */
  #loadFileView() {
    void import('./file-view.ts').then(({ fileView }) => {
      this.#fileView = fileView;
      this.#templates = new WeakMap();
      this.requestUpdate();
    });
    return nothing;
  }

  #rate(event: Event): void {
    event.preventDefault();
    const client = this.#client.peek();
    const comment = this.renderRoot.querySelector<HTMLTextAreaElement>('.rating textarea')?.value;
    if (client && this.rating) this.#run(client.rate(this.rating, comment).then(() => (this.rating = null)));
  }

  #keydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) this.#submit(event);
  }

  /** The thread as rows: a separator where a day begins, and each message knowing its group. */
  #rows(messages: readonly ChatMessage[]) {
    const now = Date.now();
    return messages.flatMap((message, i) => {
      const previous = messages[i - 1];
      const row = this.#message(message, continues(previous, message), continues(message, messages[i + 1]) ? '' : this.#times.ago(message.at, now));
      return previous && dayOf(previous.at) === dayOf(message.at) ? [row] : [html`<li class="day">${this.#times.day(message.at, now)}</li>`, row];
    });
  }

  /** A message's row, made again only when what it shows changed (read, grouping, its group's time). */
  #message(message: ChatMessage, grouped: boolean, time: string) {
    const read = message.from === 'visitor' && message.seq !== undefined && message.seq <= this.#client.peek()!.readByAgent.peek();
    const key = `${read} ${grouped} ${time}`;
    let cached = this.#templates.get(message);
    if (cached?.key !== key) this.#templates.set(message, (cached = { key, template: this.#renderMessage(message, read, grouped, time) }));
    return cached.template;
  }

  /**
   * One message. Within a group (one author, minutes apart) only the last shows the time, and the
   * rows sit closer; screen readers hear who wrote each message and at what time, every one. A
   * messenger's message always says so ("via WhatsApp"): it left Threadline's encryption.
   */
  #renderMessage(message: ChatMessage, read: boolean, grouped: boolean, time: string) {
    const t = this.t;
    if (message.handoff) return html`<li class="marker">${t.continuedOn(CHANNEL_NAMES[message.handoff])}</li>`;
    const mine = message.from === 'visitor';
    const client = this.#client.peek()!;
    const state = { sending: t.sending, unreadable: t.undecryptable, failed: t.notSent, sent: time && `${read ? `${t.read} · ` : ''}${time}` }[message.status];
    return html`<li class="message ${mine ? 'mine' : 'theirs'} ${message.status} ${grouped ? 'grouped' : ''}">
      <span class="visually-hidden">${mine ? t.you : t.agent}, ${this.#times.clock(message.at)}:</span>
      ${message.status === 'unreadable'
        ? html`<p class="text">${t.unreadable}</p>`
        : html`${message.text ? html`<p class="text" dir="auto">${tokenize(message.text).map(rich)}</p>` : nothing}
          ${message.rating ? html`<p class="text" dir="auto">${t.rated(message.rating.score)}${message.rating.comment ? ` — ${message.rating.comment}` : ''}</p>` : nothing}
          ${message.file ? (this.#fileView ? this.#fileView(t, message.file, this.#opened.get(message.file.blob), () => this.#openFile(client, message)) : this.#loadFileView()) : nothing}`}
      ${state || message.channel ? html`<span class="meta">${message.channel ? `${t.via(CHANNEL_NAMES[message.channel])}${state ? ' · ' : ''}` : ''}${state}</span>` : nothing}
    </li>`;
  }

  #retention() {
    const business = this.#client.peek()?.business.value;
    if (!business) return nothing;
    const allowed = RETENTIONS.slice(0, RETENTIONS.indexOf(business.retention.max) + 1);
    return html`<label class="retention">${this.t.keepFor}
      <select>${allowed.map((r) => html`<option value=${r} ?selected=${r === business.retention.default}>${this.t.retention[r]}</option>`)}</select>
    </label>`;
  }

  protected override render() {
    const client = this.#client.value;
    const t = this.t;
    const name = client?.business.value?.name ?? '';
    const error = this.failure ?? client?.error.value;
    const messages = client?.messages.value ?? [];
    const expiresAt = client?.expiresAt.value;
    const offered = Object.keys(client?.business.value?.channels ?? {}) as Channel[];
    return html`<section class="panel" role="dialog" aria-label=${name ? t.chatWith(name) : t.chat}>
      <div class="head">
        <div>
          <h2>${name || t.chat}</h2>
          <p class="status" aria-live="polite">${client?.agentTyping.value ? t.typing(name) : statusText(t, client?.status.value ?? 'idle')}</p>
        </div>
        <button class="icon" type="button" aria-label=${t.sound} aria-pressed=${this.sound} @click=${this.#toggleSound}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0" fill=${this.sound ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="2" /></svg>
        </button>
        <button class="icon" type="button" aria-label=${t.verify} ?disabled=${this.broken} @click=${this.#verify}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M12 2l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V5z" fill="none" stroke="currentColor" stroke-width="2" /><path d="M8 12l3 3 5-6" fill="none" stroke="currentColor" stroke-width="2" /></svg>
        </button>
        <button class="icon close" type="button" aria-label=${t.close} @click=${this.#close}>×</button>
      </div>
      ${this.broken
        ? html`<p class="error" role="alert">${this.failure?.code === 'forbidden' ? t.unavailable : this.failure?.message}</p>`
        : this.verification && this.#verifyView
        ? this.#verifyView(this.#sheetT!, this.verification, () => (this.verification = null))
        : this.handoff !== false && this.#handoffView
        ? this.#handoffView(this.#sheetT!, offered, this.handoff, (channel) => this.#continueOn(channel), () => (this.handoff = false))
        : html`<div class="log" role="log" aria-live="polite" aria-label=${t.messages}>
              <ol>
              ${messages.length === 0 ? html`<li class="empty">${t.greeting}</li>` : nothing}
              ${this.#rows(messages.slice(0, this.#shown))}
              </ol>
            </div>
            ${error ? html`<p class="error" role="alert">${error.message}</p>` : nothing}
            ${this.progress !== null ? html`<progress aria-label=${t.uploading} max="1" .value=${this.progress}></progress>` : nothing}
            <p class="e2ee">
              ${t.encrypted}${client && !client.persistent.value ? ` · ${t.notSaved}` : ''}${expiresAt ? ` · ${t.deletedOn(this.#times.date(expiresAt))}` : ''}
            </p>
            ${messages.length === 0 && !expiresAt ? this.#retention() : nothing}
            ${this.rating !== null && this.#ratingView
              ? this.#ratingView(this.#sheetT!, this.rating, (score) => (this.rating = score), (event) => this.#rate(event))
              : messages.some((m) => m.from === 'agent') && !messages.some((m) => m.rating)
              ? html`<button class="continue" type="button" @click=${this.#openRating}>${t.rate}</button>`
              : nothing}
            ${offered.length ? html`<button class="continue" type="button" @click=${this.#chooseChannel}>${t.continueOn(offered.map((c) => CHANNEL_NAMES[c]).join(', '))}</button>` : nothing}
            <form @submit=${this.#submit}>
              <label class="attach" title=${t.attach}>
                <span class="visually-hidden">${t.attach}</span>
                <input type="file" @change=${this.#attach} />
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M16 7l-7.5 7.5a2 2 0 0 0 3 3L19 10a4 4 0 0 0-6-6l-8 8a6 6 0 0 0 9 9l6-6" fill="none" stroke="currentColor" stroke-width="2" /></svg>
              </label>
              <label class="visually-hidden" for="composer">${t.message}</label>
              <textarea id="composer" rows="1" placeholder=${t.placeholder} maxlength="10000" @keydown=${this.#keydown} @input=${() => client?.typing()}></textarea>
              <button class="send" type="submit" aria-label=${t.send}>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" /></svg>
              </button>
            </form>`}
    </section>`;
  }
}

if (!customElements.get('threadline-panel')) customElements.define('threadline-panel', ThreadlinePanel);
