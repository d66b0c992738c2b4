/**
 * The chat inside the frame: the panel (and with it the SDK), its language and theme, whether it
 * is open, and the unread count. Tells the host page only metadata; a message's text only when the
 * business shares it with its pages.
 */
import type { ChatMessage } from '@threadline/sdk';
import { EMBED_VERSION as v, type Call, type EmbedOptions, type FrameMessage, type MessageMeta } from './embed-protocol.ts';
import { loadStrings, type Strings } from './i18n/index.ts';
import { rememberOpen, wasOpen } from './open-state.ts';
import { soundOn } from './sound-setting.ts';
import { ThreadlinePanel } from './panel.ts';

export class FrameChat {
  readonly #panel = new ThreadlinePanel();
  #open = false;
  #unread = 0;
  #t: Strings | undefined;
  #theme: string[] = [];

  constructor(
    relay: string,
    private readonly options: EmbedOptions,
    private readonly shareText: boolean,
    private readonly tell: (message: FrameMessage) => void,
  ) {
    const panel = this.#panel;
    panel.hidden = true;
    panel.relay = relay;
    panel.onMessage = this.#received;
    panel.onHandoff = (channel) => tell({ v, t: 'handoff', channel });
    panel.addEventListener('threadline-close', () => this.#show(false));
    addEventListener('visibilitychange', () => this.#open && !document.hidden && this.#seen());
    // The host page focuses the frame when it opens the chat: the composer takes it.
    addEventListener('focus', () => this.#open && panel.hasUpdated && panel.focus());
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('html,body{margin:0;height:100%;overflow:hidden}');
    document.adoptedStyleSheets = [sheet];
    this.#configure();
  }

  async #configure(): Promise<void> {
    const { site, orgKey, channels, locale, theme } = this.options;
    const panel = this.#panel;
    Object.assign(panel, { site, orgKey, channels });
    for (const name of this.#theme) panel.style.removeProperty(name);
    for (const [name, value] of Object.entries((this.#theme = Object.keys(theme), theme))) panel.style.setProperty(name, value);
    const t = (this.#t = await loadStrings(locale));
    Object.assign(panel, { t, language: locale });
    document.documentElement.lang = locale;
    document.documentElement.dir = t.dir;
    if (!panel.isConnected) document.body.append(panel);
    this.#state();
    if (wasOpen()) this.#show(true);
  }

  #state(): void {
    const t = this.#t;
    const label = !t ? '' : this.#open ? t.close : this.#unread ? t.openUnread(this.#unread) : t.open;
    this.tell({ v, t: 'state', open: this.#open, unread: this.#unread, label });
  }

  #seen(): void {
    this.#unread = 0;
    this.#state();
  }

  #show(open: boolean): void {
    this.#open = open;
    this.#panel.hidden = !open;
    rememberOpen(open);
    if (open) void this.#panel.updateComplete.then(() => this.#panel.focus());
    open ? this.#seen() : this.#state();
  }

  #meta(message: ChatMessage): MessageMeta {
    const meta: MessageMeta = { id: message.id, from: message.from === 'agent' ? 'agent' : 'visitor', at: message.at };
    if (message.channel) meta.channel = message.channel;
    if (this.shareText) meta.text = message.text;
    return meta;
  }

  /**
   * Each new message after the history: a `message` event for the page, and the unread count. A
   * reply the visitor is not looking at also notifies, from one tab only (the one holding the
   * connection): the page's title flashes if it is hidden, and the chime rings if turned on.
   */
  #received = (message: ChatMessage): void => {
    this.tell({ v, t: 'message', message: this.#meta(message) });
    if (message.from !== 'agent' || (this.#open && !document.hidden)) return;
    this.#unread++;
    this.#state();
    if (!this.#panel.client?.leading.peek()) return;
    if (document.hidden) this.tell({ v, t: 'notify', title: this.#t!.newMessage(this.#unread) });
    if (soundOn()) void import('./sound.ts').then(({ chime }) => chime());
  };

  async call(call: Call): Promise<MessageMeta | undefined> {
    switch (call.name) {
      case 'open':
      case 'close':
      case 'toggle':
        this.#show(call.name === 'toggle' ? !this.#open : call.name === 'open');
        return;
      case 'config':
        return void (await this.#configure());
      case 'send': {
        await this.#panel.updateComplete;
        return this.#meta(await this.#panel.client!.send(call.arg));
      }
    }
  }
}
