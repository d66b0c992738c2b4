/** The "verify this business" view: the safety number (60 digits and a QR code) and how the key is trusted. */
import { html } from 'lit';
import type { Verification } from '@threadline/sdk';
import type { Strings } from './i18n/index.ts';

export function verifyView(t: Strings, { safetyNumber, pinned }: Verification, relay: string, back: () => void) {
  return html`<div class="sheet">
    <h3>${t.verify}</h3>
    <p>${pinned ? t.pinned : t.unpinned}</p>
    <p class="digits" dir="ltr" aria-label=${t.safetyNumber}>${safetyNumber.match(/\d{5}/g)!.join(' ')}</p>
    ${qr(relay, safetyNumber, t.safetyQr)}
    <button class="pill" type="button" @click=${back}>${t.back}</button>
  </div>`;
}

/** A QR code drawn by the relay (public data only: a link it issued, a number of public keys), so the widget ships no encoder. */
export const qr = (relay: string, data: string, label: string) => html`<img class="qr" src=${new URL(`/v1/qr?data=${encodeURIComponent(data)}`, relay).href} alt=${label} />`;
