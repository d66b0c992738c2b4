import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './test-relay.ts';

let t: TestRelay;

beforeAll(async () => {
  const frameDir = mkdtempSync(join(tmpdir(), 'threadline-frame-'));
  writeFileSync(join(frameDir, 'index.html'), '<!doctype html><script type="module" src="frame-Ab12_x-Y.js"></script>');
  writeFileSync(join(frameDir, 'frame-Ab12_x-Y.js'), 'void 0;');
  writeFileSync(join(frameDir, 'crypto-worker.js'), 'void 0;');
  t = await startTestRelay({ frameDir });
});
afterAll(() => t.stop());

const csp = async (path: string) => (await t.http(path)).headers.get('content-security-policy') ?? '';

describe('the chat frame', () => {
  it('is served with a strict CSP whose frame-ancestors are the site’s allowed origins, computed per request', async () => {
    await t.relay.store.setOrigins('shop', ['https://shop.example', 'https://www.shop.example']);
    const response = await t.http('/frame/?site=shop');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain('frame-ancestors https://shop.example https://www.shop.example');
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "worker-src 'self'", "base-uri 'none'"]) expect(policy).toContain(directive);
    expect(policy).not.toContain('unsafe');
    await t.relay.store.setOrigins('shop', []);
    expect(await csp('/frame/?site=shop')).toContain('frame-ancestors *'); // an empty list allows any website, as for the API
    expect(await csp('/frame/?site=nobody')).toContain("frame-ancestors 'none'");
    expect(await csp('/frame/')).toContain("frame-ancestors 'none'");
  });

  it('caches content-hashed files as immutable, the rest not', async () => {
    expect((await t.http('/frame/frame-Ab12_x-Y.js')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await t.http('/frame/crypto-worker.js')).headers.get('cache-control')).toBe('no-cache');
    expect((await t.http('/frame/missing.js')).status).toBe(404);
  });
});

describe('embedding settings', () => {
  it('tells the frame the allowed origins and whether pages get message text (off by default); only an admin changes it', async () => {
    await t.relay.store.setOrigins('shop', ['https://shop.example']);
    expect(await (await t.http('/v1/sites/shop/embed')).json()).toEqual({ origins: ['https://shop.example'], shareText: false });
    const admin = await t.agentSession('admin');
    const member = await t.agentSession('member');
    const put = (token: string, body: unknown) => t.http('/v1/agent/share-text', { method: 'PUT', token, body: JSON.stringify(body) });
    expect((await put(member.token, { shareText: true })).status).toBe(403);
    expect((await put(admin.token, { shareText: 'yes' })).status).toBe(400);
    expect(await (await put(admin.token, { shareText: true })).json()).toEqual({ shareText: true });
    expect(await (await t.http('/v1/sites/shop/embed')).json()).toEqual({ origins: ['https://shop.example'], shareText: true });
    await put(admin.token, { shareText: false });
    expect((await t.http('/v1/sites/nobody/embed')).status).toBe(404);
  });

  it('admits the relay’s own origin (its frame) besides the allowed ones, and refuses other websites', async () => {
    await t.relay.store.setOrigins('shop', ['https://shop.example']);
    const from = (origin: string) => t.http('/v1/sites/shop/config', { headers: { origin } });
    expect((await from(`http://${t.base}`)).status).toBe(200);
    expect((await from('https://shop.example')).status).toBe(200);
    expect((await from('https://evil.example')).status).toBe(403);
  });
});
