/**
 * Roles on the relay: an agent who is not an admin cannot change the team, the devices, the keys,
 * the messengers or the allowed websites. Every route is in one table (access.ts), and each route
 * the table reserves to admins is tried here as a plain agent, with a body that an admin's request
 * would have had accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ACCESS } from './access.ts';
import { device, startTestRelay, type TestRelay } from './test-relay.ts';

let t: TestRelay;
beforeAll(async () => (t = await startTestRelay()));
afterAll(() => t.stop());

const path = (route: string) => route.split(' ')[1]!.replace(/:id/g, 'x1');
const method = (route: string) => route.split(' ')[0]!;

/** A body each admin route accepts from an admin, so a refusal can only be the role's. */
const VALID: Record<string, () => unknown> = {
  'POST /v1/agent/invites': () => ({ email: `new-${Math.random().toString(36).slice(2)}@shop.test`, name: 'New' }),
  'PUT /v1/agent/org': () => ({}), // needs keys made in a browser; the role is refused before the body is read
  'PUT /v1/agent/directory': () => t.signDirectory([]),
  'PUT /v1/agent/channels': () => ({ whatsapp: { phone: '15550009999', account: '999' } }),
  'PUT /v1/agent/origins': () => ({ origins: ['https://evil.example'] }),
  'PUT /v1/agent/share-text': () => ({ shareText: true }),
};

const adminRoutes = Object.entries(ROUTE_ACCESS).flatMap(([route, access]) => (typeof access === 'object' ? [[route, access.admin] as const] : []));

it('places every route of the API in the access table, and lists no route the API lacks', () => {
  expect(Object.keys(ROUTE_ACCESS).sort()).toEqual([...t.relay.routes].sort());
  expect(adminRoutes.map(([route]) => route).sort()).toEqual(Object.keys(VALID).sort());
});

describe.each(adminRoutes)('%s (admins only)', (route, action) => {
  it('refuses an agent who is not an admin with 403 forbidden, in the relay’s voice, and changes nothing', async () => {
    const agent = await t.agentSession('member');
    const before = { origins: await t.relay.store.origins('shop'), channels: await t.relay.store.channels('shop'), directory: (await t.relay.store.site('shop'))!.directoryVersion, shareText: await t.relay.store.shareText('shop') };
    const response = await t.http(path(route), { method: method(route), token: agent.token, body: JSON.stringify(VALID[route]!()) });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toEqual({
      code: 'forbidden',
      message: `Threadline: failed to ${action}: only an admin of the team may. Ask an admin of your team to do it.`,
    });
    expect({ origins: await t.relay.store.origins('shop'), channels: await t.relay.store.channels('shop'), directory: (await t.relay.store.site('shop'))!.directoryVersion, shareText: await t.relay.store.shareText('shop') }).toEqual(before);
  });

  it('lets an admin through (the role is no obstacle)', async () => {
    const admin = await t.agentSession('admin');
    const response = await t.http(path(route), { method: method(route), token: admin.token, body: JSON.stringify(VALID[route]!()) });
    // The org key is set already, so PUT /v1/agent/org answers 400 (the empty body) rather than 200.
    expect(response.status, await response.clone().text()).toBe(route === 'PUT /v1/agent/org' ? 400 : 200);
  });
});

it('lets an agent who is not an admin read the settings, register a device and use the inbox', async () => {
  const agent = await t.agentSession('member');
  const laptop = device();
  const registered = await t.http('/v1/agent/devices', { method: 'POST', token: agent.token, body: JSON.stringify({ device: laptop, oneTimePrekeys: [], name: 'Laptop' }) });
  expect(registered.status).toBe(200);
  for (const route of Object.entries(ROUTE_ACCESS).flatMap(([route, access]) => (access === 'agent' && route.startsWith('GET') ? [route] : []))) {
    const response = await t.http(path(route), { token: agent.token });
    // Conversations need this device approved (403 for that reason); never the role.
    expect((await response.clone().json()).error?.message ?? '', route).not.toMatch(/only an admin/);
    expect([200, 403], route).toContain(response.status);
  }
});
