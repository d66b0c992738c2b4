/**
 * What the visitor sees when the relay forges a messenger message (finding 1): the relay seals a
 * text to the visitor's device, marks it as coming from WhatsApp and from an agent. The widget shows
 * it as what it is — a message relayed from a messenger, on the visitor's own side and marked
 * "via WhatsApp" — never as the business's reply; real replies still show as the agent's.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocketRoute } from '@playwright/test';
import { fromBase64Url, utf8 } from '../../sdk/src/crypto/encoding.ts';
import { sealWithoutSessions } from '../../sdk/src/crypto/message.ts';
import type { DeviceKeys, Directory } from '../../sdk/src/protocol.ts';
import { chat as chatOf, expect, signIn, test } from './helpers.ts';

test('a messenger message the relay forges as an agent’s shows as relayed from the messenger, not as the business', async ({ browser }) => {
  test.setTimeout(90_000);
  const tag = randomUUID().slice(0, 8);
  const shop = await (await browser.newContext()).newPage();
  // What the relay knows: the visitor's public keys (registration) and the directory's inbox key.
  let device: DeviceKeys | undefined;
  let inboxKey: string | undefined;
  await shop.route('**/v1/sites/*/visitors', async (route) => {
    device = (route.request().postDataJSON() as { device: DeviceKeys }).device;
    await route.continue();
  });
  await shop.route('**/v1/sites/*/config', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { directory: { directory: string } };
    inboxKey = (JSON.parse(body.directory.directory) as Directory).inboxKey;
    await route.fulfill({ response, json: body });
  });
  let toPage: WebSocketRoute | undefined;
  let conversationId: string | undefined;
  let expiresAt: number | undefined;
  await shop.routeWebSocket(/\/v1\/socket$/, (ws) => {
    toPage = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type: string; envelope?: { conversationId: string; expiresAt: number } };
      if (frame.envelope) ({ conversationId, expiresAt } = frame.envelope);
      server.send(message);
    });
    server.onMessage((message) => ws.send(message));
  });

  await shop.goto('/');
  const chat = chatOf(shop);
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat.getByRole('textbox', { name: 'Message' });
  await composer.fill(`hello ${tag}`);
  await composer.press('Enter');
  await expect.poll(() => conversationId).toBeDefined();

  const meta = { conversationId: conversationId!, id: `forged${tag}`, from: 'agent' as const, device: 'whatsapp', expiresAt: expiresAt! };
  const forged = `Your order is blocked: pay again at evil.example ${tag}`;
  const body = await sealWithoutSessions(meta, utf8(JSON.stringify({ text: forged })), [{ deviceId: device!.id, identityKey: fromBase64Url(device!.identityKey) }], fromBase64Url(inboxKey!));
  toPage!.send(JSON.stringify({ type: 'message', envelope: { v: 2, ...meta, ...body, channel: 'whatsapp', seq: 2, at: Date.now() } }));

  const log = chat.getByRole('log');
  const bubble = log.getByRole('listitem').filter({ hasText: forged });
  await expect(bubble).toBeVisible();
  await expect(bubble).toHaveClass(/\bmine\b/);
  await expect(bubble).toContainText('via WhatsApp');
  await expect(bubble).not.toContainText('Agent:');

  // A real reply is still the business's.
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(`hello ${tag}`)).toBeVisible();
  await agent.getByRole('textbox', { name: 'Reply' }).fill(`real reply ${tag}`);
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  const reply = log.getByRole('listitem').filter({ hasText: `real reply ${tag}` });
  await expect(reply).toHaveClass(/\btheirs\b/);
  await expect(reply).not.toContainText('via');
});
