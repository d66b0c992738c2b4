/** The rating form (1–5 and an optional comment): a chunk loaded when the visitor asks to rate, with its styles. */
import { html } from 'lit/html.js';
import { css } from './element.ts';
import type { Strings } from './i18n/index.ts';
import type { SheetStrings } from './i18n/sheets/index.ts';

export const ratingStyles = css`
  .rating {
    padding: 0 16px;
  }
  .rating textarea {
    width: 100%;
    box-sizing: border-box;
  }
  .star {
    font-size: 24px;
    background: none;
    border: none;
    cursor: pointer;
    color: #b26a00;
  }
`;

export function ratingView(t: Strings & SheetStrings, rating: number, choose: (score: number) => void, submit: (event: Event) => void) {
  return html`<form class="rating" aria-label=${t.rate} @submit=${submit}>
    ${[1, 2, 3, 4, 5].map((n) => html`<button type="button" class="star" aria-label=${t.stars(n)} aria-pressed=${n === rating} @click=${() => choose(n)}>${n > rating ? '☆' : '★'}</button>`)}
    <textarea rows="2" aria-label=${t.comment} placeholder=${t.comment} maxlength="1000"></textarea>
    <button class="pill" ?disabled=${!rating}>${t.send}</button>
  </form>`;
}
