import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';
import { createRelay } from './relay.ts';

describe('readConfig', () => {
  it('allows 60 visitor registrations per address per minute unless THREADLINE_VISITORS_PER_MINUTE says otherwise', () => {
    expect(readConfig([], {}).visitorsPerMinute).toBe(60);
    expect(readConfig([], { THREADLINE_VISITORS_PER_MINUTE: '20000' }).visitorsPerMinute).toBe(20_000);
    for (const bad of ['0', '-5', '1.5', 'many']) {
      expect(() => readConfig([], { THREADLINE_VISITORS_PER_MINUTE: bad })).toThrow(ConfigError);
    }
  });

  it('is the limit the relay applies to new visitors', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'threadline-config-test-'));
    const relay = createRelay({ dataDir, visitorsPerMinute: readConfig([], { THREADLINE_VISITORS_PER_MINUTE: '2' }).visitorsPerMinute });
    relay.store.createSite('shop', 'Shop');
    const { port } = await relay.listen(0, '127.0.0.1');
    const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
    const register = () =>
      fetch(`http://127.0.0.1:${port}/v1/sites/shop/visitors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device: { id: b64(12), identityKey: b64(32), signingKey: b64(32), signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) } } }),
      }).then((response) => response.status);
    try {
      expect([await register(), await register(), await register()]).toEqual([200, 200, 429]);
    } finally {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
