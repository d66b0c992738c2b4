import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('quotes what needs it and leaves numbers and empty cells plain', () => {
    expect(toCsv([['a', 'b, c', 'say "hi"', 'two\nlines'], [1, null, 2.5, '']])).toBe('a,"b, c","say ""hi""","two\nlines"\r\n1,,2.5,\r\n');
  });

  it('keeps a customer’s formula-like text as text', () => {
    expect(toCsv([['=HYPERLINK("x")', '+1', '-2', '@sum', 'fine']])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@sum,fine\r\n`);
    expect(toCsv([[-2]])).toBe('-2\r\n');
  });
});
