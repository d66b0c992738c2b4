import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from './store.ts';

describe('opening a data directory made by an earlier version', () => {
  it('replaces a messenger customer’s profile name kept as a label by the shortened id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'threadline-migrate-'));
    try {
      const before = new Store(dir);
      before.createSite('shop', 'Shop');
      const conversation = before.createConversation('shop', null, Date.now() + 3600_000);
      before.link('whatsapp', '16505551234', 'shop', 'Dana Whitfield', conversation.id, Date.now());
      before.close();
      const after = new Store(dir);
      expect(after.conversation(conversation.id)?.channel?.label).toBe('…1234');
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
