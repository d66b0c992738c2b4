import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';

describe('readConfig', () => {
  it('allows 60 visitor registrations per address per minute unless THREADLINE_VISITORS_PER_MINUTE says otherwise', () => {
    expect(readConfig([], {}).visitorsPerMinute).toBe(60);
    expect(readConfig([], { THREADLINE_VISITORS_PER_MINUTE: '20000' }).visitorsPerMinute).toBe(20_000);
    for (const bad of ['0', '-5', '1.5', 'many']) {
      expect(() => readConfig([], { THREADLINE_VISITORS_PER_MINUTE: bad })).toThrow(ConfigError);
    }
  });
});
