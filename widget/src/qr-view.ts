/**
 * A QR code drawn in the frame with the SDK's own encoder (a chunk loaded with the verify or handoff
 * sheet): the safety number and a handoff link never leave the frame to be drawn, so a relay cannot
 * swap the code a visitor compares, nor learn a handoff reference from a URL.
 */
import { html } from 'lit/html.js';
import { qrSvgPath } from '@threadline/sdk/qr';
import { css } from './element.ts';

/** The verify and "Continue on…" sheets' styles, adopted by the panel when one first opens. */
export const sheetStyles = css`
  .sheet {
    flex: 1;
    overflow-y: auto;
    padding: 16px;
  }
  .digits {
    font-family: ui-monospace, monospace;
    font-size: 16px;
    max-width: 24ch;
    margin: 12px auto;
    text-align: center;
  }
  .qr {
    display: block;
    margin: 0 auto;
    width: 160px;
    height: 160px;
  }
  .wide {
    display: block;
    width: 100%;
  }
  .link {
    overflow-wrap: anywhere;
    color: inherit;
  }
`;

export function qrCode(data: string, label: string) {
  const { d, size } = qrSvgPath(data);
  return html`<svg class="qr" viewBox="0 0 ${size} ${size}" role="img" aria-label=${label} shape-rendering="crispEdges"><rect width=${size} height=${size} fill="#fff" /><path d=${d} fill="#000" /></svg>`;
}

