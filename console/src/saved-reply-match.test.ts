import { describe, expect, it } from 'vitest';
import { matching, slashQuery } from './saved-reply-match.ts';

const replies = [
  { id: '1', shortcut: 'refund', text: 'Your refund is on its way.' },
  { id: '2', shortcut: 'hours', text: 'We answer from 9 to 17.' },
  { id: '3', shortcut: 'shipping-refund', text: 'Returns are free.' },
];

describe('slashQuery', () => {
  it('finds the /query before the caret, at the start or after a space', () => {
    expect(slashQuery('/ref', 4)).toEqual({ query: 'ref', start: 0 });
    expect(slashQuery('Hello /Ho', 9)).toEqual({ query: 'ho', start: 6 });
    expect(slashQuery('/', 1)).toEqual({ query: '', start: 0 });
  });

  it('ignores a slash inside a word or a link, and text after the caret', () => {
    expect(slashQuery('and/or', 6)).toBeNull();
    expect(slashQuery('see https://shop.example/refund', 31)).toBeNull();
    expect(slashQuery('/refund please', 14)).toBeNull();
    expect(slashQuery('/refund please', 7)).toEqual({ query: 'refund', start: 0 });
  });
});

describe('matching', () => {
  it('puts shortcuts that start with the query first, then those that contain it in the shortcut or the text', () => {
    expect(matching(replies, 'ref').map((r) => r.id)).toEqual(['1', '3']);
    expect(matching(replies, 'free').map((r) => r.id)).toEqual(['3']);
    expect(matching(replies, '').map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(matching(replies, 'nothing')).toEqual([]);
    expect(matching(replies, '', 2)).toHaveLength(2);
  });
});
