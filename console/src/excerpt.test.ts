import { describe, expect, it } from 'vitest';
import { excerpt } from './excerpt.ts';

describe('excerpt', () => {
  it('marks every matched word, whatever its case', () => {
    expect(excerpt('My Parcel arrived; the parcel is broken', ['parcel'])).toEqual([{ text: 'My ' }, { text: 'Parcel', match: true }, { text: ' arrived; the ' }, { text: 'parcel', match: true }, { text: ' is broken' }]);
  });

  it('starts near the first match in a long message, at a word, and says what was cut', () => {
    const text = `${'word '.repeat(60)}refund please ${'more '.repeat(60)}`;
    const parts = excerpt(text, ['refund'], 60);
    expect(parts[0]!.text.startsWith('…word')).toBe(true);
    expect(parts[1]).toEqual({ text: 'refund', match: true });
    expect(parts.at(-1)!.text.endsWith('…')).toBe(true);
  });

  it('treats the terms as text, not as patterns', () => {
    expect(excerpt('costs $5 (or more)', ['$5', '(or'])).toEqual([{ text: 'costs ' }, { text: '$5', match: true }, { text: ' ' }, { text: '(or', match: true }, { text: ' more)' }]);
    expect(excerpt('nothing here', [])).toEqual([{ text: 'nothing here' }]);
  });
});
