/** The "verify this business" view: the safety number (60 digits and a QR code) and how the key is trusted. */
import { html } from 'lit/html.js';
import type { Verification } from '@threadline/sdk';
import type { Strings } from './i18n/index.ts';
import type { SheetStrings } from './i18n/sheets/index.ts';
import { qrCode as qr } from './qr-view.ts';

export { sheetStyles } from './qr-view.ts';

export function verifyView(t: Strings & SheetStrings, { safetyNumber, pinned }: Verification, back: () => void) {
  return html`<div class="sheet">
    <h3>${t.verify}</h3>
    <p>${pinned ? t.pinned : t.unpinned}</p>
    <p class="digits" dir="ltr" aria-label=${t.safetyNumber}>${safetyNumber.match(/\d{5}/g)!.join(' ')}</p>
    ${qr(safetyNumber, t.safetyQr)}
    <button class="pill" type="button" @click=${back}>${t.back}</button>
  </div>`;
}
