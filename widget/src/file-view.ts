/** An encrypted attachment in a message: decrypted on demand; images preview, audio plays, other files download. */
import { html } from 'lit/html.js';
import { fileSize, playable, previewed, type FileRef } from '@threadline/sdk';
import type { Strings } from './i18n/index.ts';

export interface Opened {
  url?: string;
  problem?: string;
}

export function fileView(t: Strings, file: FileRef, opened: Opened | undefined, open: () => void) {
  const image = previewed(file.type);
  const audio = playable(file.type);
  if (opened?.url) {
    if (audio) return html`<audio class="audio" src=${opened.url} controls autoplay aria-label=${file.name}></audio>`;
    return image ? html`<img class="preview" src=${opened.url} alt=${file.name} />` : html`<a class="file" href=${opened.url} download=${file.name}>${t.save} ${file.name}</a>`;
  }
  return html`<p class="file"><button class="pill" type="button" @click=${open}>${image ? t.show : audio ? t.play : t.openFile} ${file.name}</button> <small>${fileSize(file.size)}</small></p>
    ${opened?.problem ? html`<p class="error" role="alert">${opened.problem}</p>` : ''}`;
}
