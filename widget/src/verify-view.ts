/** The "verify this business" view: the safety number (60 digits and a QR code) and how the key is trusted. */
import { html } from 'lit';
import type { Verification } from '@threadline/sdk';

export function verifyView({ safetyNumber, pinned }: Verification, relay: string, back: () => void) {
  return html`<div class="sheet">
    <h3>Verify this business</h3>
    <p>
      ${pinned
        ? 'This website pins the business’s key: no other key is accepted.'
        : 'This website does not pin the business’s key: this browser trusted the key it saw first. Compare this number with the business.'}
    </p>
    <p class="digits" aria-label="Safety number">${safetyNumber.match(/\d{5}/g)!.join(' ')}</p>
    ${qr(relay, safetyNumber, 'Safety number as a QR code')}
    <button class="pill" type="button" @click=${back}>Back to the conversation</button>
  </div>`;
}

/** A QR code drawn by the relay (public data only: a link it issued, a number of public keys), so the widget ships no encoder. */
export const qr = (relay: string, data: string, label: string) => html`<img class="qr" src=${new URL(`/v1/qr?data=${encodeURIComponent(data)}`, relay).href} alt=${label} />`;
