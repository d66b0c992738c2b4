/**
 * Agent devices in real Chromium against the built bundles and a real relay: an admin invites a
 * second agent and approves their device; both read the visitor; the admin revokes it; what the
 * visitor writes next is encrypted for the remaining device only. Then a 5 MB attachment travels
 * encrypted from the visitor to the agent and comes out byte for byte.
 */
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chat, expect, signIn, test } from './helpers.ts';

const dataDir = process.env.THREADLINE_E2E_DATA_DIR!;

const envelopeOf = (text: string, conversationId: string) => {
  const db = new Database(join(dataDir, 'threadline.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT body FROM envelopes WHERE conversation_id = ? ORDER BY seq').all(conversationId) as { body: string }[];
  db.close();
  return rows.map((row) => JSON.parse(row.body) as { id: string; keys: { to: string }[]; inbox?: unknown });
};

test('an admin approves a second agent’s device, both read the visitor, and a revoked device gets nothing new', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin);

  // Invite a second agent and accept in another browser.
  await admin.getByRole('link', { name: 'Devices & team' }).click();
  const email = `sam-${randomUUID().slice(0, 8)}@demo.test`;
  await admin.getByLabel('Name').fill('Sam');
  await admin.getByLabel('Email').fill(email);
  await admin.getByRole('button', { name: 'Create invitation' }).click();
  const link = await admin.getByRole('status', { name: 'Invitation link' }).or(admin.getByLabel('Invitation link')).textContent();
  expect(link).toMatch(/#invite=/);

  const sam = await (await browser.newContext()).newPage();
  await sam.goto(link!);
  await sam.getByLabel('Password', { exact: true }).fill('sam-password-123');
  await sam.getByLabel('Repeat the password').fill('sam-password-123');
  await sam.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(sam.getByText('This device is waiting for an admin to approve it')).toBeVisible();
  const code = (await sam.getByLabel('Approval code').textContent())!;
  expect(code).toMatch(/^\d{4} \d{4} \d{4}$/);

  // The admin approves Sam's device by typing the code Sam's device shows (a wrong one is refused);
  // Sam's console learns it from the signed directory.
  await admin.reload();
  const codeField = admin.getByLabel(`Code shown on ${email}’s new device`);
  await codeField.fill(code.replace(/^\d/, (d) => String((Number(d) + 1) % 10)));
  await admin.getByRole('button', { name: `Approve ${email}` }).click();
  await expect(admin.getByRole('main').getByRole('alert')).toContainText('the code does not match the keys the relay reported');
  await codeField.fill(code);
  await admin.getByRole('button', { name: `Approve ${email}` }).click();
  await expect(admin.getByRole('button', { name: `Revoke ${email}` })).toBeVisible();
  await expect(sam.getByText('This device is waiting for an admin to approve it')).toBeHidden();

  // A visitor writes; both agents read it.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(visitor).getByRole('textbox', { name: 'Message' });
  const before = `before-revocation-${randomUUID()}`;
  await composer.fill(before);
  await composer.press('Enter');
  for (const agent of [admin, sam]) {
    await agent.getByRole('link', { name: 'Inbox' }).click();
    await agent.getByRole('button', { name: /Visitor/ }).first().click();
    await expect(agent.getByRole('log', { name: 'Messages' }).getByText(before)).toBeVisible();
  }

  // The admin revokes Sam's device: its connection is closed and it is left out of what follows.
  await admin.getByRole('link', { name: 'Devices & team' }).click();
  await admin.getByRole('button', { name: `Revoke ${email}` }).click();
  await expect(admin.getByRole('row', { name: new RegExp(email) }).getByText('revoked')).toBeVisible();
  await expect(sam.getByRole('alert')).toContainText('revoked');

  const after = `after-revocation-${randomUUID()}`;
  await composer.fill(after);
  await composer.press('Enter');
  await admin.getByRole('link', { name: 'Inbox' }).click();
  await admin.getByRole('button', { name: /Visitor/ }).first().click();
  await expect(admin.getByRole('log', { name: 'Messages' }).getByText(after)).toBeVisible();
  await expect(sam.getByText(after)).toHaveCount(0);

  const db = new Database(join(dataDir, 'threadline.sqlite'), { readonly: true });
  const devices = db.prepare("SELECT id, status, name FROM devices WHERE agent_id = (SELECT id FROM agents WHERE email = ?)").all(email) as { id: string; status: string }[];
  const conversationId = db.prepare('SELECT id FROM conversations ORDER BY created_at DESC LIMIT 1').pluck().get() as string;
  db.close();
  expect(devices).toHaveLength(1);
  expect(devices[0]!.status).toBe('revoked');
  const [first, second] = envelopeOf(after, conversationId);
  expect(first!.keys.map((k) => k.to)).toContain(devices[0]!.id);
  expect(second!.keys.map((k) => k.to)).not.toContain(devices[0]!.id);
  expect(second!.keys.length).toBeGreaterThan(0);

  // A 5 MB attachment, encrypted in the visitor's worker, opened in the agent's.
  const file = Buffer.from(Array.from({ length: 5 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 13)) & 0xff));
  await chat(visitor).getByLabel('Attach a file').setInputFiles({ name: 'invoice.bin', mimeType: 'application/octet-stream', buffer: file });
  await expect(chat(visitor).getByRole('button', { name: 'Open invoice.bin' })).toBeVisible({ timeout: 30_000 });
  await admin.getByRole('button', { name: 'Open invoice.bin' }).click();
  const download = admin.waitForEvent('download');
  await admin.getByRole('link', { name: 'Save invoice.bin' }).click();
  const saved = readFileSync(await (await download).path());
  expect(saved.length).toBe(file.length);
  expect(createHash('sha256').update(saved).digest('hex')).toBe(createHash('sha256').update(file).digest('hex'));

  // An image from the agent previews in the visitor's widget once decrypted.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGP4z8DwHwyBNBgxMDAAAFOaBfu1sNGwAAAAAElFTkSuQmCC', 'base64');
  await admin.getByLabel('Attach a file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
  await chat(visitor).getByRole('button', { name: 'Show photo.png' }).click();
  const preview = chat(visitor).getByRole('img', { name: 'photo.png' });
  await expect(preview).toBeVisible();
  expect(await preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
});
