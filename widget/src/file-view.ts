/** An encrypted attachment in a message: decrypted on demand; images preview, other files download. */
import { html } from 'lit/html.js';
import { fileSize, previewed, type FileRef } from '@threadline/sdk';
import type { Strings } from './i18n/index.ts';

export interface Opened {
  url?: string;
  problem?: string;
}


export function fileView(t: Strings, file: FileRef, opened: Opened | undefined, open: () => void) {
  const image = previewed(file.type);
  if (opened?.url) return image ? html`<img class="preview" src=${opened.url} alt=${file.name} />` : html`<a class="file" href=${opened.url} download=${file.name}>${t.save} ${file.name}</a>`;
  return html`<p class="file"><button class="pill" type="button" @click=${open}>${image ? t.show : t.openFile} ${file.name}</button> <small>${fileSize(file.size)}</small></p>
    ${opened?.problem ? html`<p class="error" role="alert">${opened.problem}</p>` : ''}`;
}
