/**
 * The part of a message around the first word a search matched, split so the matched words can be
 * marked: `[{ text: '…the ' }, { text: 'parcel', match: true }, { text: ' arrived' }]`.
 */
export interface Part {
  text: string;
  match?: true;
}

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function excerpt(text: string, terms: readonly string[], width = 120): Part[] {
  const words = terms.filter(Boolean).sort((a, b) => b.length - a.length).map(escape);
  const pattern = words.length ? new RegExp(`(${words.join('|')})`, 'giu') : null;
  const first = pattern ? text.search(pattern) : -1;
  // Start a little before the first match, at a word boundary, so the match is in sight.
  let start = first > width / 3 ? text.lastIndexOf(' ', first - width / 4) + 1 : 0;
  if (start < 0) start = 0;
  const end = Math.min(text.length, start + width);
  const shown = `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  if (!pattern) return [{ text: shown }];
  return shown
    .split(pattern)
    .filter(Boolean)
    .map((piece) => (words.some((word) => new RegExp(`^${word}$`, 'iu').test(piece)) ? { text: piece, match: true } : { text: piece }));
}
