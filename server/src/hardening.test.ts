import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { device, startTestRelay, type TestRelay } from './test-relay.ts';

const SHOP = 'https://shop.example';
let t: TestRelay;
let staticDir: string;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'threadline-static-'));
  writeFileSync(join(staticDir, 'threadline.js'), 'void 0;');
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  t = await startTestRelay({
    mounts: [
      { prefix: '/widget/', dir: staticDir, crossOrigin: true },
      { prefix: '/console/', dir: staticDir, headers: { 'content-security-policy': "default-src 'self'" } },
    ],
  });
  await t.relay.store.setOrigins('shop', [SHOP]);
});
afterAll(() => t.stop());

/** Every route of the API with its `:id`s filled in. */
const routes = () => t.relay.routes.map((route) => route.split(' ') as [string, string]).map(([method, path]) => ({ method, path: path.replace(/:id/g, 'x1') }));
const PUBLIC_AGENT_ROUTES = ['POST /v1/agent/prelogin', 'POST /v1/agent/session', 'POST /v1/agent/invites/accept'];

describe('security headers', () => {
  it('are on every response: each API route, errors, static files, the socket path and webhooks', async () => {
    const requests: [string, string][] = [
      ...routes().map(({ method, path }) => [method, path] as [string, string]),
      ['GET', '/nothing-here'],
      ['DELETE', '/v1/agent/channels'],
      ['GET', '/widget/threadline.js'],
      ['GET', '/console/'],
      ['GET', '/v1/socket'],
      ['POST', '/webhooks/whatsapp'],
      ['OPTIONS', '/v1/sites/shop/config'],
    ];
    for (const [method, path] of requests) {
      const response = await t.http(path, { method, ...(method === 'POST' || method === 'PUT' ? { body: '{}' } : {}), headers: { origin: SHOP } });
      const where = `${method} ${path} → ${response.status}`;
      expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), where).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy'), where).toBe('same-origin');
      expect(response.headers.get('cross-origin-resource-policy'), where).toMatch(/^(same-origin|cross-origin)$/);
      expect(response.headers.get('strict-transport-security'), where).toBeNull(); // plain HTTP on loopback
      if (response.headers.get('content-type')?.startsWith('application/json')) {
        expect(response.headers.get('content-security-policy'), where).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
      }
      await response.body?.cancel();
    }
  });

  it('lets other origins load only the widget’s files, and sends HSTS behind TLS', async () => {
    const widget = await t.http('/widget/threadline.js');
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(widget.headers.get('access-control-allow-origin')).toBe('*');
    expect(widget.headers.get('access-control-allow-credentials')).toBeNull();
    const page = await t.http('/console/');
    expect(page.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
    const proxied = await t.http('/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });
});

describe('origin allow-list and CORS', () => {
  it('echoes only an allowed origin, with Vary: Origin and no credentials; refuses others with a typed error', async () => {
    const allowed = await t.http('/v1/sites/shop/config', { headers: { origin: SHOP } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('access-control-expose-headers')).toBe('retry-after');

    for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'http://shop.example', 'null']) {
      const refused = await t.http('/v1/sites/shop/visitors', { method: 'POST', body: JSON.stringify({ device: device() }), headers: { origin } });
      expect(refused.status, origin).toBe(403);
      expect(await refused.json()).toEqual({
        error: { code: 'forbidden', message: `Threadline: failed to use the chat of site 'shop' from ${origin}: this website is not on the site’s allowed origins. Add it under Install → Allowed origins in the console.` },
      });
    }
    expect((await t.relay.store.rowCounts()).conversations).toBe(0); // nothing registered

    // A conversation's routes follow its site's list.
    const visitor = await t.register('7d', { origin: SHOP });
    const blob = `/v1/conversations/${visitor.conversationId}/blobs/b1`;
    expect((await t.http(blob, { token: visitor.token, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await t.http(blob, { token: visitor.token, headers: { origin: SHOP } })).status).toBe(404);
    // Requests without an Origin (same-origin pages, servers) are not from another website.
    expect((await t.http('/v1/sites/shop/config')).status).toBe(200);
  });

  it('answers preflights precisely for allowed origins', async () => {
    const preflight = (path: string, origin = SHOP) =>
      t.http(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const visitors = await preflight('/v1/sites/shop/visitors');
    expect(visitors.status).toBe(204);
    expect(visitors.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(visitors.headers.get('access-control-allow-methods')).toBe('POST');
    expect(visitors.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect((await preflight('/v1/conversations/x1/blobs/b1')).headers.get('access-control-allow-methods')).toBe('PUT, GET');
    expect((await preflight('/v1/sites/shop/visitors', 'https://evil.example')).status).toBe(403);
    expect((await preflight('/v1/sites/shop/nothing')).status).toBe(404);
    // The agents' API is same-origin only: no CORS answer at all.
    const agentRoute = await preflight('/v1/agent/conversations');
    expect(agentRoute.headers.get('access-control-allow-origin')).toBeNull();
    const agentGet = await t.http('/v1/agent/conversations', { headers: { origin: SHOP } });
    expect(agentGet.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('checks the origin on the socket at hello, with a typed error frame', async () => {
    const visitor = await t.register('7d');
    const evil = await t.connect({ origin: 'https://evil.example' });
    evil.send({ type: 'hello', token: visitor.token });
    expect(await evil.next()).toMatchObject({ type: 'error', code: 'forbidden', message: expect.stringMatching(/not on the site’s allowed origins/) });
    expect(await evil.closed).toBe(1008);
    for (const headers of [{ origin: SHOP }, {}] as Record<string, string>[]) {
      const ok = await t.connect(headers);
      ok.send({ type: 'hello', token: visitor.token });
      expect(await ok.next()).toEqual({ type: 'welcome', role: 'visitor' });
      ok.socket.close();
    }
  });

  it('lets admins edit the list, accepting only exact origins', async () => {
    const admin = await t.agentSession('admin');
    const member = await t.agentSession('member');
    const put = (token: string, origins: unknown) => t.http('/v1/agent/origins', { method: 'PUT', token, body: JSON.stringify({ origins }) });
    for (const bad of ['https://shop.example/', 'shop.example', 'javascript:alert(1)', 'https://shop.example/path', 'ftp://shop.example', '']) {
      const response = await put(admin.token, [bad]);
      expect(response.status, bad).toBe(400);
      expect((await response.json()).error.message).toMatch(/^Threadline: failed to save the allowed origins: .* is not an origin\. Write each as scheme and host/);
    }
    expect((await put(admin.token, Array.from({ length: 21 }, (_, i) => `https://s${i}.example`))).status).toBe(400);
    expect((await put(member.token, [SHOP])).status).toBe(403);
    expect(await (await put(admin.token, [SHOP, 'http://127.0.0.1:8787', SHOP])).json()).toEqual({ origins: [SHOP, 'http://127.0.0.1:8787'] });
    expect(await (await t.http('/v1/agent/origins', { token: member.token })).json()).toEqual({ origins: [SHOP, 'http://127.0.0.1:8787'] });
    await t.relay.store.setOrigins('shop', [SHOP]);
  });
});

describe('authentication on every agent route', () => {
  it('refuses each one without a token, with a visitor’s token and with a revoked device’s token', async () => {
    const visitor = await t.register('7d');
    const agent = await t.agentSession('admin');
    const laptop = device();
    await t.http('/v1/agent/devices', { method: 'POST', token: agent.token, body: JSON.stringify({ device: laptop, oneTimePrekeys: [], name: 'Laptop' }) });
    const entry = { id: laptop.id, agent: 'a', identityKey: laptop.identityKey, signingKey: laptop.signingKey };
    expect((await t.http('/v1/agent/directory', { method: 'PUT', token: agent.token, body: JSON.stringify(t.signDirectory([entry])) })).status).toBe(200);
    expect((await t.http('/v1/agent/conversations', { token: agent.token })).status).toBe(200);
    const admin = await t.agentSession('admin');
    expect((await t.http('/v1/agent/directory', { method: 'PUT', token: admin.token, body: JSON.stringify(t.signDirectory([])) })).status).toBe(200);

    const agentRoutes = routes().filter(({ method, path }) => path.startsWith('/v1/agent/') && !PUBLIC_AGENT_ROUTES.includes(`${method} ${path}`));
    expect(agentRoutes.length).toBeGreaterThanOrEqual(12);
    const tokens = { none: undefined, visitor: visitor.token, revoked: agent.token, forged: 'A'.repeat(43) };
    for (const { method, path } of agentRoutes) {
      for (const [who, token] of Object.entries(tokens)) {
        const response = await t.http(path, { method, token, ...(method === 'GET' ? {} : { body: '{}' }) });
        expect([401, 403], `${method} ${path} as ${who}`).toContain(response.status);
        expect((await response.json()).error.code).toMatch(/^(unauthorized|forbidden)$/);
      }
    }
    // And the visitor routes that need a session.
    for (const path of ['/v1/sites/shop/devices/x1/bundle', `/v1/conversations/${visitor.conversationId}/blobs/b1`]) {
      expect((await t.http(path)).status).toBe(401);
    }
    expect((await t.http(`/v1/conversations/${visitor.conversationId}/handoff`, { method: 'POST', body: '{"channel":"whatsapp"}' })).status).toBe(401);
  });

  it('keeps tokens out of URLs: a token in the query string authenticates nothing', async () => {
    const visitor = await t.register('7d');
    const agent = await t.agentSession('admin');
    expect((await t.http(`/v1/agent/channels?token=${agent.token}`)).status).toBe(401);
    expect((await t.http(`/v1/agent/channels?access_token=${agent.token}`)).status).toBe(401);
    expect((await t.http(`/v1/conversations/${visitor.conversationId}/blobs/b1?token=${visitor.token}`)).status).toBe(401);
    const socket = new WebSocket(`ws://${t.base}/v1/socket?token=${visitor.token}`);
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'sync', conversationId: visitor.conversationId, since: 0 }));
    await new Promise((resolve) => socket.once('message', resolve));
    expect(frames[0]).toMatchObject({ type: 'error', code: 'unauthorized' });
    socket.close();
  });
});

/** Sends raw bytes and returns what the relay answered before closing (or half a second passed). */
const raw = (text: string) =>
  new Promise<string>((resolve) => {
    const [host, port] = t.base.split(':');
    const socket = connect(Number(port), host!, () => socket.write(text));
    let answer = '';
    socket.on('data', (data) => (answer += String(data)));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    setTimeout(() => socket.destroy(), 500);
  });

describe('malformed requests', () => {
  it('answers unparsable addresses with a typed 400 (or refuses the upgrade) and stays up', async () => {
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    expect(await raw(`GET //[ HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`)).toMatch(/^HTTP\/1\.1 404 /);
    expect(await raw(`GET /v1/elsewhere HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`)).toMatch(/^HTTP\/1\.1 404 /);
    const plain = await raw('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(plain).toMatch(/^HTTP\/1\.1 400 /);
    expect(plain).toContain('"code":"bad_frame"');
    expect(plain).toContain('x-content-type-options: nosniff');
    expect(await raw('\x00\x01garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect((await t.http('/healthz')).status).toBe(200);
  });
});

describe('size limits', () => {
  it('answers 413 to a JSON body past the limit before reading it all, and closes a socket sending a frame past maxPayload', async () => {
    const big = await t.http('/v1/agent/prelogin', { method: 'POST', body: JSON.stringify({ email: 'a@b.c', pad: 'x'.repeat(80 * 1024) }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'too_large' } });
    const socket = await t.connect();
    socket.send('x'.repeat(200 * 1024));
    expect(await socket.closed).toBe(1009);
    expect((await t.http('/healthz')).status).toBe(200);
  });
});

describe('static paths', () => {
  it('answers a NUL byte, an over-long name or a bad escape in a static path with a typed 400 or 404, never a 500', async () => {
    for (const path of ['/widget/%00', '/widget/threadline.js%00.html', '/console/%00/x', `/widget/${'a'.repeat(5000)}.js`, '/widget/%E0%A4%A', '/widget/..%2f..%2fetc%2fpasswd']) {
      const response = await t.http(path);
      expect([400, 404], `${path.slice(0, 40)} → ${response.status}`).toContain(response.status);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toMatch(/^(bad_frame|not_found)$/);
      expect(body.error.message).toMatch(/^Threadline: failed to .+: .+\. .+/);
    }
  });
});

describe('the console’s Content-Security-Policy', () => {
  it('lets the console connect to the relay’s own origin only: no scheme-wide ws: or wss:', async () => {
    const { defaultMounts } = await import('./mounts.ts');
    const consoleMount = defaultMounts().find((mount) => mount.prefix === '/console/');
    const csp = consoleMount?.headers?.['content-security-policy'] ?? '';
    const connect = /(?:^|;)\s*connect-src ([^;]*)/.exec(csp)?.[1]?.trim().split(/\s+/);
    expect(connect).toEqual(["'self'"]);
  });
});

describe('agents’ sockets', () => {
  it('are accepted only from the relay’s own origin (the console), or from clients that send no Origin', async () => {
    const agent = await t.agentSession();
    for (const [origin, expected] of [
      [SHOP, 'refused'], // even a site's allowed origin is not the console
      ['https://evil.example', 'refused'],
      [`http://${t.base}`, 'welcome'],
      [undefined, 'welcome'],
    ] as const) {
      const socket = await t.connect(origin ? { origin } : {});
      socket.send({ type: 'hello', token: agent.token });
      const frame = await socket.next();
      if (expected === 'welcome') {
        expect(frame, origin).toEqual({ type: 'welcome', role: 'agent' });
        socket.socket.close();
      } else {
        expect(frame, origin).toMatchObject({ type: 'error', code: 'forbidden', message: expect.stringMatching(/^Threadline: failed to use an agent’s session from .+: agents’ sockets are accepted only from the console/) });
        expect(await socket.closed).toBe(1008);
      }
    }
  });

  it('are closed with 4401 when their session token expires, and the token opens nothing after', async () => {
    const relay = await startTestRelay();
    try {
      const agent = await relay.agentSession();
      const socket = await relay.connect();
      socket.send({ type: 'hello', token: agent.token });
      expect(await socket.next()).toEqual({ type: 'welcome', role: 'agent' });
      relay.clock.now += 11 * 3600_000;
      await relay.relay.sweep(); // the session has an hour left
      socket.send({ type: 'typing', conversationId: 'x1' });
      expect(await socket.next()).toMatchObject({ type: 'error' }); // still open and answering
      relay.clock.now += 2 * 3600_000;
      await relay.relay.sweep(); // as the scheduled sweep does, every minute
      expect(await socket.closed).toBe(4401);
      const again = await relay.connect();
      again.send({ type: 'hello', token: agent.token });
      expect(await again.closed).toBe(4401);
    } finally {
      await relay.stop();
    }
  });
});
