import { describe, expect, it } from 'vitest';
import { tokenize } from './format.ts';

describe('tokenize', () => {
  it('finds http(s) links, bold, italic and code, leaving the rest as text', () => {
    expect(tokenize('See https://example.com/a?b=1. It is **great**, _really_ — run `npm ci`!')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. It is ' },
      { kind: 'bold', text: 'great' },
      { kind: 'text', text: ', ' },
      { kind: 'italic', text: 'really' },
      { kind: 'text', text: ' — run ' },
      { kind: 'code', text: 'npm ci' },
      { kind: 'text', text: '!' },
    ]);
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'snake_case_name', '<img src=x onerror=alert(1)>'])('keeps %s as plain text', (text) => {
    expect(tokenize(text).every((t) => t.kind === 'text')).toBe(true);
    expect(tokenize(text).map((t) => t.text).join('')).toBe(text);
  });

  it('does not let a link swallow markup after it', () => {
    expect(tokenize('https://a.test/"><script>')[0]).toEqual({ kind: 'link', text: 'https://a.test/', href: 'https://a.test/' });
  });
});
