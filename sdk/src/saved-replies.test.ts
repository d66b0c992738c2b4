import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { checkSavedReplies, MAX_SAVED_REPLIES } from './saved-replies.ts';

const reply = (shortcut: string, text = 'Thanks for waiting.') => ({ id: `id-${shortcut}`, shortcut, text });

describe('checkSavedReplies', () => {
  it('keeps a valid list, field by field', () => {
    const extra = { ...reply('refund'), note: 'dropped' };
    expect(checkSavedReplies([extra, reply('hours-2')])).toEqual([reply('refund'), reply('hours-2')]);
  });

  it('refuses with a ConfigError what cannot be saved, saying what to change', () => {
    const refusal = (list: ReturnType<typeof reply>[]) => {
      try {
        checkSavedReplies(list);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).code).toBe('bad_saved_reply');
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal([reply('Refund!')])).toBe("Threadline: failed to save the saved replies: the shortcut '/Refund!' is not valid. Use lower-case letters, digits and dashes (at most 32), starting with a letter or digit.");
    expect(refusal([reply('refund'), reply('refund', 'Other')])).toMatch(/the shortcut '\/refund' is used twice/);
    expect(refusal([reply('empty', '   ')])).toMatch(/the reply '\/empty' is empty or longer than 2000 characters/);
    expect(refusal(Array.from({ length: MAX_SAVED_REPLIES + 1 }, (_, i) => reply(`r${i}`)))).toMatch(/more than 200/);
    // 17 replies of 1,999 characters fit as ASCII, not as three-byte characters.
    expect(checkSavedReplies(Array.from({ length: 17 }, (_, i) => reply(`r${i}`, 'x'.repeat(1999))))).toHaveLength(17);
    expect(refusal(Array.from({ length: 17 }, (_, i) => reply(`r${i}`, '€'.repeat(1999))))).toMatch(/together they are too long/);
  });
});
