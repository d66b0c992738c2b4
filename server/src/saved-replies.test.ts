/**
 * The saved replies' route pair: the relay stores the team's sealed list as it is and serves it to
 * the site's approved agents, checks its shape and size at the boundary, refuses a save that crossed
 * another (typed `conflict`), and tells the other agents' consoles of a new version.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_SAVED_REPLIES_CIPHERTEXT, type SealedSavedReplies } from '@threadline/sdk/protocol';
import { b64, startTestRelay, type TestRelay } from './test-relay.ts';

let t: TestRelay;
beforeAll(async () => (t = await startTestRelay()));
afterAll(() => t.stop());

/** A sealed list as the agents' worker makes one (opaque to the relay). */
const sealed = (device: string, ct = b64(300)): SealedSavedReplies => ({
  v: 1,
  device,
  iv: b64(12),
  ct,
  sealed: [{ to: device, epk: b64(32), iv: b64(12), k: b64(48) }],
  inbox: { epk: b64(32), iv: b64(12), k: b64(48) },
  sig: b64(64),
});

const put = (token: string, body: unknown) => t.http('/v1/agent/saved-replies', { method: 'PUT', token, body: typeof body === 'string' ? body : JSON.stringify(body) });
const error = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

it('stores the sealed list as versions, each over the one it replaces, and tells the other agents', async () => {
  const agent = await t.approvedAgent();
  const other = await t.connect();
  other.send({ type: 'hello', token: agent.token });
  expect(await other.next()).toEqual({ type: 'welcome', role: 'agent' });

  expect(await (await t.http('/v1/agent/saved-replies', { token: agent.token })).json()).toEqual({ version: 0, sealed: null });
  const first = sealed(agent.deviceId);
  const saved = await put(agent.token, { version: 0, sealed: first });
  expect(saved.status).toBe(200);
  expect(await saved.json()).toEqual({ version: 1 });
  expect(await other.next()).toEqual({ type: 'saved-replies', version: 1 });
  expect(await (await t.http('/v1/agent/saved-replies', { token: agent.token })).json()).toEqual({ version: 1, sealed: first });

  // Another console still holding version 0 saves: refused, nothing changed.
  const crossed = await put(agent.token, { version: 0, sealed: sealed(agent.deviceId) });
  expect(crossed.status).toBe(409);
  expect(await error(crossed)).toEqual({ code: 'conflict', message: 'Threadline: failed to save the saved replies: another agent saved them since version 0. Reload them and make the change again.' });
  expect(((await (await t.http('/v1/agent/saved-replies', { token: agent.token })).json()) as { sealed: unknown }).sealed).toEqual(first);
  other.socket.close();
});

it('checks the body at the boundary and its size, and serves only the site’s approved agents', async () => {
  const agent = await t.approvedAgent();
  const malformed = await put(agent.token, { version: 0, sealed: { ...sealed(agent.deviceId), sig: 'short' } });
  expect(malformed.status).toBe(400);
  expect(await error(malformed)).toMatchObject({ code: 'bad_frame', message: expect.stringContaining("'sealed.sig'") });
  const large = await put(agent.token, { version: 0, sealed: sealed(agent.deviceId, 'A'.repeat(MAX_SAVED_REPLIES_CIPHERTEXT + 1)) });
  expect(large.status).toBe(400);
  expect(await error(large)).toMatchObject({ code: 'bad_frame', message: expect.stringContaining("'sealed.ct'") });
  const otherDevice = await put(agent.token, { version: 0, sealed: sealed('someoneElsesDev') });
  expect(otherDevice.status).toBe(403);
  expect(await error(otherDevice)).toMatchObject({ code: 'forbidden', message: expect.stringContaining('cannot save as device someoneElsesDev') });
  const huge = await put(agent.token, `{"version":0,"sealed":"${'A'.repeat(70 * 1024)}"}`);
  expect(huge.status).toBe(413);

  const visitor = await t.register('7d');
  expect((await t.http('/v1/agent/saved-replies', { token: visitor.token })).status).toBe(401);
  const unapproved = await t.agentSession('member');
  const refused = await t.http('/v1/agent/saved-replies', { token: unapproved.token });
  expect(refused.status).toBe(403);
  expect((await error(refused)).code).toBe('forbidden');
});
