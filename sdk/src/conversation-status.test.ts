import { describe, expect, it } from 'vitest';
import { workState } from './conversation-status.ts';

describe('workState', () => {
  const now = 1_000_000;
  it('is open with no decision, closed or snoozed as decided, and open again after a new message or the snooze’s end', () => {
    expect(workState({ status: null, lastSeq: 3 }, now)).toBe('open');
    expect(workState({ status: { state: 'closed', seq: 3, until: null }, lastSeq: 3 }, now)).toBe('closed');
    expect(workState({ status: { state: 'closed', seq: 3, until: null }, lastSeq: 4 }, now)).toBe('open');
    expect(workState({ status: { state: 'snoozed', seq: 3, until: now + 1 }, lastSeq: 3 }, now)).toBe('snoozed');
    expect(workState({ status: { state: 'snoozed', seq: 3, until: now }, lastSeq: 3 }, now)).toBe('open');
    expect(workState({ status: { state: 'snoozed', seq: 3, until: now + 1 }, lastSeq: 4 }, now)).toBe('open');
  });
});
