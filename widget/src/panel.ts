/** `<threadline-panel>`: the conversation — header, message list and composer. Loaded lazily. */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { signal } from '@preact/signals-core';
import { createClient, type ChatMessage, type Client, type ThreadlineError } from '@threadline/sdk';
import { panelStyles } from './styles.ts';
import { SignalWatcher } from './watch.ts';

const STATUS_TEXT = {
  idle: 'Connecting…',
  connecting: 'Connecting…',
  online: 'We typically reply in a few minutes',
  offline: 'Offline — messages will be sent when you reconnect',
  closed: 'Disconnected',
} as const;

const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

export class ThreadlinePanel extends LitElement {
  static override styles = panelStyles;
  static override properties = { site: {}, relay: {}, failure: { state: true } };

  declare site: string;
  declare relay: string;
  declare failure: ThreadlineError | null;
  readonly #client = signal<Client | undefined>(undefined);

  constructor() {
    super();
    this.failure = null;
    new SignalWatcher(this, () => {
      const client = this.#client.value;
      return client && [client.messages.value, client.status.value, client.error.value, client.business.value];
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.#close();
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.#client.peek() || !(changed.has('site') || changed.has('relay'))) return;
    try {
      const client = createClient({ site: this.site, relay: this.relay });
      this.#client.value = client;
      client.start().catch((error: ThreadlineError) => (this.failure = error));
    } catch (error) {
      this.failure = error as ThreadlineError;
    }
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector('.log');
    if (log) log.scrollTop = log.scrollHeight;
  }

  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  #close(): void {
    this.dispatchEvent(new CustomEvent('threadline-close', { bubbles: true, composed: true }));
  }

  #submit(event: Event): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector('textarea')!;
    const text = input.value.trim();
    const client = this.#client.peek();
    if (!text || !client) return;
    input.value = '';
    client.send(text).catch((error: ThreadlineError) => {
      this.failure = error;
      input.value ||= text;
    });
  }

  #keydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) this.#submit(event);
  }

  #message(message: ChatMessage) {
    const mine = message.from === 'visitor';
    const state = message.status === 'sending' ? 'Sending…' : message.status === 'unreadable' ? 'Could not be decrypted' : time.format(message.at);
    return html`<li class="message ${mine ? 'mine' : 'theirs'} ${message.status}">
      <span class="visually-hidden">${mine ? 'You' : 'Agent'}:</span>
      <p class="text" dir="auto">${message.status === 'unreadable' ? 'This message could not be decrypted.' : message.text}</p>
      <span class="meta">${state}</span>
    </li>`;
  }

  protected override render() {
    const client = this.#client.value;
    const name = client?.business.value?.name ?? 'Chat';
    const error = this.failure ?? client?.error.value;
    const messages = client?.messages.value ?? [];
    return html`<section class="panel" role="dialog" aria-label=${`Chat with ${name}`}>
      <header>
        <div>
          <h2>${name}</h2>
          <p class="status">${STATUS_TEXT[client?.status.value ?? 'idle']}</p>
        </div>
        <button class="close" type="button" aria-label="Close chat" @click=${this.#close}>×</button>
      </header>
      <ol class="log" role="log" aria-live="polite" aria-label="Messages">
        ${messages.length === 0 ? html`<li class="empty">Hi! Ask us anything — we’re here to help.</li>` : nothing}
        ${repeat(messages, (message) => message.id, (message) => this.#message(message))}
      </ol>
      ${error ? html`<p class="error" role="alert">${error.message}</p>` : nothing}
      <p class="e2ee">End-to-end encrypted${client && !client.persistent.value ? ' · not saved in this browser' : ''}</p>
      <form @submit=${this.#submit}>
        <label class="visually-hidden" for="composer">Message</label>
        <textarea id="composer" rows="1" placeholder="Write a message…" maxlength="10000" @keydown=${this.#keydown}></textarea>
        <button class="send" type="submit" aria-label="Send message">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" /></svg>
        </button>
      </form>
    </section>`;
  }
}

if (!customElements.get('threadline-panel')) customElements.define('threadline-panel', ThreadlinePanel);
