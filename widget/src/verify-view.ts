/** The "verify this business" view: the safety number (60 digits and a QR code) and how the key is trusted. */
import { html, svg } from 'lit';
import { qrSvgPath } from '@threadline/sdk/qr';
import type { Verification } from '@threadline/sdk';

export function verifyView({ safetyNumber, pinned }: Verification, back: () => void) {
  const { d, size } = qrSvgPath(safetyNumber);
  return html`<div class="sheet">
    <h3>Verify this business</h3>
    <p>
      ${pinned
        ? 'This website pins the business’s key: no other key is accepted.'
        : 'This website does not pin the business’s key: this browser trusted the key it saw first. Compare this number with the business.'}
    </p>
    <p class="digits" aria-label="Safety number">${safetyNumber.match(/\d{5}/g)!.join(' ')}</p>
    ${qr(d, size, 'Safety number as a QR code')}
    <button class="pill" type="button" @click=${back}>Back to the conversation</button>
  </div>`;
}

export const qr = (d: string, size: number, label: string) =>
  html`<svg class="qr" viewBox="0 0 ${size} ${size}" role="img" aria-label=${label}>${svg`<rect width=${size} height=${size} fill="#fff"></rect><path d=${d} fill="#000"></path>`}</svg>`;
