/** The launcher button's look, label and icon (drawn by `<threadline-chat>`), and the language pick. */

/** Its styles, for a shadow root whose host is the launcher's corner of the page. */
export const LAUNCHER_CSS =
  ':host{position:fixed;inset-block-end:20px;inset-inline-end:20px;z-index:2147483000;font-family:var(--tl-font)}' +
  '.launcher{position:relative;width:56px;height:56px;border-radius:50%;border:none;background:var(--tl-accent,#1f6f50);color:var(--tl-accent-text,#fff);box-shadow:0 4px 14px rgb(0 0 0/.25);cursor:pointer;display:grid;place-items:center}' +
  '.launcher:focus-visible{outline:3px solid var(--tl-accent,#1f6f50);outline-offset:3px}' +
  '.badge{position:absolute;top:-4px;inset-inline-end:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#c62828;color:#fff;font:700 12px/20px var(--tl-font)}';

/** The speech-bubble icon (an SVG path). */
export const BUBBLE = 'M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A2.5 2.5 0 0 1 4 13.5z';

/** "Open chat" in each language the widget speaks. */
export const OPEN: Record<string, string> = {
  en: 'Open chat',
  fr: 'Ouvrir le chat',
  es: 'Abrir el chat',
  de: 'Chat öffnen',
  pt: 'Abrir o chat',
  ar: 'افتح المحادثة',
};

/** The supported language for BCP 47 tags (the first that matches, by primary subtag); English otherwise. */
export function pickLocale(...candidates: (string | null | undefined)[]): string {
  for (const tag of candidates) {
    const language = tag?.toLowerCase().split('-')[0];
    if (language && language in OPEN) return language;
  }
  return 'en';
}
