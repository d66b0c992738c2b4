/** `<threadline-verify>`: the safety number (60 digits and a QR code) and how the business key is trusted. */
import { LitElement, html, css, svg } from 'lit';
import { qrSvgPath } from '@threadline/sdk/qr';
import type { Verification } from '@threadline/sdk';

export class ThreadlineVerify extends LitElement {
  static override styles = css`
    :host { display: block; flex: 1; overflow-y: auto; padding: 16px; font-size: 14px; }
    .digits { font-family: ui-monospace, monospace; font-size: 16px; letter-spacing: 0.05em; max-width: 24ch; margin: 12px auto; text-align: center; }
    svg { display: block; margin: 0 auto; width: 160px; height: 160px; }
    button { font: inherit; cursor: pointer; margin-top: 12px; padding: 6px 12px; border-radius: 8px; border: 1px solid currentColor; background: none; color: inherit; }
  `;
  static override properties = { verification: { attribute: false } };
  declare verification: Verification;

  protected override render() {
    const { safetyNumber, pinned } = this.verification;
    const { d, size } = qrSvgPath(safetyNumber);
    return html`<h3>Verify this business</h3>
      <p>
        ${pinned
          ? 'This website pins the business’s key, so Threadline refuses any other key.'
          : 'This website does not pin the business’s key: this browser trusted the key it saw first. Compare the number below with the business to be sure.'}
      </p>
      <p class="digits" aria-label="Safety number">${safetyNumber.match(/\d{5}/g)!.join(' ')}</p>
      <svg viewBox="0 0 ${size} ${size}" role="img" aria-label="Safety number as a QR code">${svg`<rect width=${size} height=${size} fill="#fff"></rect><path d=${d} fill="#000"></path>`}</svg>
      <p>If the agent sees the same number, nobody — not even Threadline’s relay — can read this conversation.</p>
      <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('threadline-back'))}>Back to the conversation</button>`;
  }
}

if (!customElements.get('threadline-verify')) customElements.define('threadline-verify', ThreadlineVerify);
