/**
 * A QR code drawn in the frame with the SDK's own encoder (a chunk loaded with the verify or handoff
 * sheet): the safety number and a handoff link never leave the frame to be drawn, so a relay cannot
 * swap the code a visitor compares, nor learn a handoff reference from a URL.
 */
import { html } from 'lit/html.js';
import { qrSvgPath } from '@threadline/sdk/qr';

export function qrCode(data: string, label: string) {
  const { d, size } = qrSvgPath(data);
  return html`<svg class="qr" viewBox="0 0 ${size} ${size}" role="img" aria-label=${label} shape-rendering="crispEdges"><rect width=${size} height=${size} fill="#fff" /><path d=${d} fill="#000" /></svg>`;
}

