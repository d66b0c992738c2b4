import type { SheetStrings } from './en.ts';

/** The sheets' words, in German. */
const de: SheetStrings = {
  anotherApp: 'In einer anderen App weiter',
  handoffNotice: 'Der Verlauf bleibt. Dort gilt die Verschlüsselung der App, nicht die von Threadline.',
  scan: 'Code mit dem Handy scannen oder Link öffnen.',
  linkQr: (name: string) => `Link zu ${name} als QR-Code`,
  copy: 'Link kopieren',
  back: 'Zurück zum Gespräch',
  pinned: 'Diese Website hinterlegt den Schlüssel: Kein anderer gilt.',
  unpinned: 'Dieser Browser vertraut dem ersten Schlüssel (die Website hinterlegt keinen). Vergleichen Sie die Nummer mit dem Unternehmen.',
  safetyNumber: 'Sicherheitsnummer',
  safetyQr: 'Sicherheitsnummer als QR-Code',
  stars: (n: number) => `${n} von 5`,
  comment: 'Kommentar (optional)',
};

export default de;
