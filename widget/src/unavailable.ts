/**
 * The note beside the launcher when the chat cannot run on this page (the website is not on the
 * site's allowed origins: the frame refused it, or the browser did not load it). The developer's
 * reason is in the console; the visitor reads one short sentence in their language. A chunk the
 * host element loads only then: no other visitor downloads it. The frame's languages (`i18n/`) say
 * the same as `unavailable`.
 */
const UNAVAILABLE: Record<string, string> = {
  en: 'Chat is not available on this website',
  fr: 'Le chat n’est pas disponible sur ce site',
  es: 'El chat no está disponible en este sitio',
  de: 'Der Chat ist auf dieser Website nicht verfügbar',
  pt: 'O chat não está disponível neste site',
  ar: 'المحادثة غير متاحة على هذا الموقع',
};

const NOTE_CSS =
  '.note{position:absolute;inset-block-end:68px;inset-inline-end:0;width:max-content;max-width:min(260px,calc(100vw - 40px));margin:0;padding:8px 12px;border-radius:8px;background:#1d2430;color:#fff;font:13px/1.4 var(--tl-font,system-ui,sans-serif)}';

/** Shows the note in the launcher's shadow root, or hides it if shown (each tap on the launcher). */
export function toggleNote(root: ShadowRoot, language: string): void {
  const shown = root.querySelector('.note');
  if (shown) return shown.remove();
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(NOTE_CSS);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const note = document.createElement('p');
  note.className = 'note';
  note.setAttribute('role', 'status');
  note.textContent = UNAVAILABLE[language] ?? UNAVAILABLE.en!;
  root.append(note);
}
