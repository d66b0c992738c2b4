/** The "Continue on…" view: the business's messengers, then the link as a QR code and a copy button. */
import { html } from 'lit';
import { CHANNEL_NAMES, type Channel } from '@threadline/sdk';
import { qr } from './verify-view.ts';

export interface HandoffState {
  channel: Channel;
  url: string;
}

export function handoffView(relay: string, channels: Channel[], chosen: HandoffState | null, pick: (channel: Channel) => void, back: () => void) {
  if (chosen) {
    const name = CHANNEL_NAMES[chosen.channel];
    return html`<div class="sheet">
      <h3>Continue on ${name}</h3>
      <p>Scan this code with your phone, or open the link.</p>
      ${qr(relay, chosen.url, `Link to continue on ${name}, as a QR code`)}
      <p><a class="link" href=${chosen.url} target="_blank" rel="noopener noreferrer">${chosen.url}</a></p>
      <button class="pill" type="button" @click=${() => navigator.clipboard?.writeText(chosen.url)}>Copy link</button>
      <button class="pill" type="button" @click=${back}>Back to the conversation</button>
    </div>`;
  }
  return html`<div class="sheet">
    <h3>Continue on another app</h3>
    <p>We keep the thread. There, the app’s own encryption applies and our relay handles the messages: they leave Threadline’s end-to-end encryption.</p>
    ${channels.map((channel) => html`<button class="pill wide" type="button" @click=${() => pick(channel)}>Continue on ${CHANNEL_NAMES[channel]}</button>`)}
    <button class="pill" type="button" @click=${back}>Back to the conversation</button>
  </div>`;
}
