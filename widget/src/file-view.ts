/** `<threadline-file>`: an encrypted attachment, decrypted on demand; images preview. */
import { LitElement, html, css } from 'lit';
import type { FileRef } from '@threadline/sdk';

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export class ThreadlineFile extends LitElement {
  static override styles = css`
    button { font: inherit; cursor: pointer; border: 1px solid currentColor; border-radius: 8px; background: none; color: inherit; padding: 4px 8px; }
    img { max-width: 100%; max-height: 200px; border-radius: 8px; display: block; }
    a { color: inherit; }
    .error { color: #b3261e; }
  `;
  static override properties = { file: { attribute: false }, url: { state: true }, problem: { state: true } };

  declare file: FileRef;
  declare open: (file: FileRef) => Promise<Blob>;
  declare url: string | null;
  declare problem: string | null;

  constructor() {
    super();
    this.url = null;
    this.problem = null;
  }

  async #load(): Promise<void> {
    try {
      this.url = URL.createObjectURL(await this.open(this.file));
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  protected override render() {
    const { name, type } = this.file;
    const image = /^image\/(png|jpeg|gif|webp)$/.test(type);
    if (this.url) return image ? html`<img src=${this.url} alt=${name} />` : html`<a href=${this.url} download=${name}>Save ${name}</a>`;
    return html`<button type="button" @click=${this.#load}>${image ? 'Show' : 'Open'} ${name}</button> <small>${size(this.file.size)}</small>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : ''}`;
  }
}

if (!customElements.get('threadline-file')) customElements.define('threadline-file', ThreadlineFile);
