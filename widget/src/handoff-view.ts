/** The "Continue on…" view: the business's messengers, then the link as a QR code and a copy button. */
import { html } from 'lit/html.js';
import { CHANNEL_NAMES, type Channel } from '@threadline/sdk';
import type { Strings } from './i18n/index.ts';
import type { SheetStrings } from './i18n/sheets/index.ts';
import { qrCode as qr } from './qr-view.ts';

export { sheetStyles } from './qr-view.ts';

export interface HandoffState {
  channel: Channel;
  url: string;
}

export function handoffView(t: Strings & SheetStrings, channels: Channel[], chosen: HandoffState | null, pick: (channel: Channel) => void, back: () => void) {
  if (chosen) {
    const name = CHANNEL_NAMES[chosen.channel];
    return html`<div class="sheet">
      <h3>${t.continueOn(name)}</h3>
      <p>${t.scan}</p>
      ${qr(chosen.url, t.linkQr(name))}
      <p><a class="link" dir="ltr" href=${chosen.url} target="_blank" rel="noopener noreferrer">${chosen.url}</a></p>
      <button class="pill" type="button" @click=${() => navigator.clipboard?.writeText(chosen.url)}>${t.copy}</button>
      <button class="pill" type="button" @click=${back}>${t.back}</button>
    </div>`;
  }
  return html`<div class="sheet">
    <h3>${t.anotherApp}</h3>
    <p>${t.handoffNotice}</p>
    ${channels.map((channel) => html`<button class="pill wide" type="button" @click=${() => pick(channel)}>${t.continueOn(CHANNEL_NAMES[channel])}</button>`)}
    <button class="pill" type="button" @click=${back}>${t.back}</button>
  </div>`;
}
