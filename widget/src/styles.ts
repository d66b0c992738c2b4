/** The widget's styles. Colours are CSS custom properties a business can override from its page. */
import { css } from './element.ts';

const tokens = css`
  :host {
    --tl-accent: #1f6f50;
    --tl-accent-text: #fff;
    --tl-surface: #fff;
    --tl-text: #1d2430;
    --tl-muted: #5b6472;
    --tl-bubble: #eef1f4;
    --tl-link: #1f6f50;
    --tl-radius: 16px;
    --tl-font: system-ui, -apple-system, 'Segoe UI', sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --tl-surface: #161b22;
      --tl-text: #e6edf3;
      --tl-muted: #9aa5b1;
      --tl-bubble: #262d36;
      --tl-link: #7ee2b8;
    }
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

export const panelStyles = [
  tokens,
  css`
    /* The panel fills the chat's frame; the host page sizes the frame (full screen on a phone). */
    :host {
      display: block;
      height: 100vh;
    }
    :host([hidden]) {
      display: none;
    }
    .panel {
      display: flex;
      flex-direction: column;
      height: 100%;
      background: var(--tl-surface);
      color: var(--tl-text);
      overflow: hidden;
      font: 14px/1.4 var(--tl-font);
    }
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      padding: 14px 16px;
      background: var(--tl-accent);
      color: var(--tl-accent-text);
    }
    h2 {
      font-size: 16px;
      margin: 0;
    }
    .status {
      font-size: 12px;
      margin: 2px 0 0;
      opacity: 0.9;
    }
    .head > div {
      flex: 1;
    }
    .icon {
      background: none;
      border: none;
      color: inherit;
      line-height: 1;
      cursor: pointer;
      padding: 4px 8px;
    }
    .close {
      font-size: 26px;
    }
    .attach {
      display: grid;
      place-items: center;
      cursor: pointer;
      color: var(--tl-muted);
    }
    .attach input {
      position: absolute;
      width: 1px;
      height: 1px;
      opacity: 0;
    }
    .attach:focus-within {
      outline: 2px solid var(--tl-accent);
      border-radius: 6px;
    }
    .retention {
      font-size: 12px;
      color: var(--tl-muted);
      text-align: center;
      margin: 4px 0 0;
    }
    progress {
      margin: 4px 16px 0;
      width: calc(100% - 32px);
    }
    .pill {
      font: inherit;
      cursor: pointer;
      margin-block-start: 8px;
      margin-inline-end: 8px;
      padding: 6px 12px;
      border-radius: 8px;
      border: 1px solid currentColor;
      background: none;
      color: inherit;
    }
    .preview {
      max-width: 100%;
      max-height: 200px;
      border-radius: 8px;
    }
    .marker {
      text-align: center;
      font-size: 12px;
      color: var(--tl-muted);
    }
    .continue {
      border: none;
      background: none;
      color: var(--tl-link);
      font: inherit;
      font-size: 12px;
      cursor: pointer;
      text-decoration: underline;
    }
    .log {
      flex: 1;
      overflow-y: auto;
      padding: 12px 16px;
    }
    .log ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    /* Block layout, not flex: appending to a long history then lays out the new row only. */
    .log li + li {
      margin-top: 8px;
    }
    .log .grouped {
      margin-top: 2px;
    }
    .day {
      margin: 16px 0 8px;
      text-align: center;
      font-size: 12px;
      color: var(--tl-muted);
    }
    .day::first-letter {
      text-transform: uppercase;
    }
    .message {
      width: fit-content;
      max-width: 80%;
      display: flex;
      flex-direction: column;
    }
    .mine {
      margin-left: auto;
      align-items: flex-end;
    }
    .text {
      margin: 0;
      padding: 8px 12px;
      border-radius: 14px;
      background: var(--tl-bubble);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .mine .text {
      background: var(--tl-accent);
      color: var(--tl-accent-text);
    }
    .unreadable .text {
      font-style: italic;
      opacity: 0.7;
    }
    .meta,
    .e2ee,
    .empty {
      font-size: 11px;
      color: var(--tl-muted);
    }
    .empty {
      font-size: 14px;
      text-align: center;
      margin-top: 24px;
    }
    .e2ee {
      text-align: center;
      margin: 4px 0 0;
    }
    .error {
      margin: 0 16px;
      padding: 8px;
      font-size: 13px;
      border-radius: 8px;
      background: #fdecea;
      color: #8a1c12;
    }
    form {
      display: flex;
      gap: 8px;
      padding: 10px 12px 12px;
    }
    textarea {
      flex: 1;
      resize: none;
      font: inherit;
      font-size: 15px;
      padding: 9px 12px;
      border-radius: 20px;
      border: 1px solid var(--tl-muted);
      background: var(--tl-surface);
      color: var(--tl-text);
    }
    .text a {
      color: inherit;
    }
    .send svg:dir(rtl) {
      transform: scaleX(-1);
    }
    .send {
      width: 40px;
      border-radius: 50%;
      border: none;
      background: var(--tl-accent);
      color: var(--tl-accent-text);
      cursor: pointer;
    }
  `,
];
