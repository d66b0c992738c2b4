/**
 * Light formatting of message text, as tokens for the UI to render as elements — never as HTML:
 * links (http and https only), **bold**, _italic_ and `code`. Anything else stays plain text.
 */
export type Token = { kind: 'text' | 'bold' | 'italic' | 'code'; text: string } | { kind: 'link'; text: string; href: string };

const PATTERN = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])|\*\*([^*\n]+)\*\*|(?<![\w])_([^_\n]+)_(?![\w])|`([^`\n]+)`/g;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of text.matchAll(PATTERN)) {
    if (match.index > last) tokens.push({ kind: 'text', text: text.slice(last, match.index) });
    const [whole, link, bold, italic, code] = match;
    if (link) tokens.push({ kind: 'link', text: link, href: link });
    else if (bold) tokens.push({ kind: 'bold', text: bold });
    else if (italic) tokens.push({ kind: 'italic', text: italic });
    else tokens.push({ kind: 'code', text: code ?? whole });
    last = match.index + whole.length;
  }
  if (last < text.length) tokens.push({ kind: 'text', text: text.slice(last) });
  return tokens;
}
