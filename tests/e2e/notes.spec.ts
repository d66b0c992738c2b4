/**
 * Replying faster: an agent saves a reply, inserts it in a conversation by typing `/` (a listbox the
 * keyboard drives) and writes an internal note. A second agent's console shows the note; the
 * visitor's widget never does, its sockets are never sent it, and what the relay stored of it has no
 * key for the visitor's device and none of its words. axe finds nothing on the new views.
 */
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { chat, expect, signIn, test } from './helpers.ts';
import { openConversationWith, visitorSays } from './inbox-fixtures.ts';
import { joinTeam } from './team.ts';

const dataDir = process.env.THREADLINE_E2E_DATA_DIR!;

async function noViolations(page: Page, what: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `${what}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('a saved reply goes in with /, an internal note reaches the team and never the visitor', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const started = Date.now();
  const hello = `notes-hello-${randomUUID()}`;
  const saved = `Your refund ${randomUUID()} is on its way.`;
  const secret = `note-canary-${randomUUID()}`;

  const admin = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(admin);
  // Noor joins the team on a device of her own, which the admin approves.
  const noor = await joinTeam(admin, browser, 'Noor');

  // A visitor writes; every frame the chat's sockets are sent is kept.
  const visitor = await (await browser.newContext()).newPage();
  const received: string[] = [];
  visitor.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => received.push(String(payload))));
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  await visitorSays(visitor, hello);

  // The admin saves a reply for the team.
  await admin.getByRole('link', { name: 'Saved replies' }).click();
  await admin.getByRole('textbox', { name: 'Shortcut' }).fill('refund');
  await admin.getByRole('textbox', { name: 'Text' }).fill(saved);
  await admin.getByRole('button', { name: 'Add saved reply' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Saved /refund.' })).toBeVisible();
  await expect(admin.getByRole('list', { name: 'Saved replies' }).getByRole('listitem')).toContainText(['/refund' + saved]);
  await admin.getByRole('main').screenshot({ path: testInfo.outputPath('saved-replies.png') });
  await noViolations(admin, 'saved replies');

  // In the conversation, / offers it; the keyboard chooses, Escape closes, Enter inserts.
  await admin.getByRole('link', { name: 'Inbox' }).click();
  await openConversationWith(admin, hello);
  const reply = admin.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Hello! /');
  const options = admin.getByRole('listbox', { name: 'Saved replies' });
  await expect(options.getByRole('option')).toHaveText([`/refund${saved}`]);
  await reply.press('Escape');
  await expect(options).toBeHidden();
  await reply.press('Backspace');
  await reply.pressSequentially('/ref');
  await expect(options.getByRole('option', { selected: true })).toHaveText(`/refund${saved}`);
  await expect(reply).toHaveAttribute('aria-activedescendant', (await options.getByRole('option').getAttribute('id'))!);
  await reply.press('ArrowDown');
  await expect(options.getByRole('option', { selected: true })).toHaveText(`/refund${saved}`);
  await admin.locator('.thread').screenshot({ path: testInfo.outputPath('saved-reply-popup.png') });
  await reply.press('Enter');
  await expect(options).toBeHidden();
  await expect(reply).toHaveValue(`Hello! ${saved}`);
  await reply.press('Enter');
  const log = admin.getByRole('log', { name: 'Messages' });
  await expect(log.getByRole('listitem').filter({ hasText: saved })).not.toContainText('Sending…');
  const visitorLog = chat(visitor).getByRole('log', { name: 'Messages' });
  await expect(visitorLog.getByText(`Hello! ${saved}`)).toBeVisible();

  // An internal note, in the team's yellow.
  await admin.getByRole('button', { name: 'Note', exact: true }).click();
  const note = admin.getByRole('textbox', { name: 'Internal note' });
  await note.fill(`Checked with finance: ${secret}`);
  await note.press('Enter');
  const shown = log.getByRole('listitem').filter({ hasText: secret });
  await expect(shown).toContainText('Internal note (only your team sees it):');
  await expect(shown).not.toContainText('Sending…');
  await expect(shown.locator('p')).toHaveCSS('background-color', 'rgb(255, 244, 204)');
  await admin.locator('.thread').screenshot({ path: testInfo.outputPath('internal-note.png') });
  // The thread with its note, and the note's composer offering the saved replies.
  await note.fill('/');
  await expect(options.getByRole('option')).toHaveCount(1);
  await noViolations(admin, 'a note in the thread and the saved replies offered');
  await note.press('Escape');
  await note.fill('');

  // Noor's console shows the note as a note.
  await noor.getByRole('link', { name: 'Inbox' }).click();
  await openConversationWith(noor, hello);
  await expect(noor.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: secret })).toContainText('Internal note');

  // A reply after the note reaches the visitor, whose chat never had the note, not even as unreadable.
  await admin.getByRole('button', { name: 'Reply', exact: true }).click();
  const after = `after-the-note-${randomUUID()}`;
  await admin.getByRole('textbox', { name: 'Reply' }).fill(after);
  await admin.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(visitorLog.getByText(after)).toBeVisible();
  await expect(visitorLog.getByRole('listitem')).toHaveText(['today', new RegExp(hello), new RegExp(saved), new RegExp(after)]);
  const frames = received.filter((payload) => payload.startsWith('{"type":"message"'));
  expect(frames.length).toBeGreaterThanOrEqual(2);
  expect(frames.filter((payload) => payload.includes('"audience"'))).toEqual([]);

  // The relay stored the note for the agents only: no key for the visitor's device, none of its words.
  const db = new Database(join(dataDir, 'threadline.sqlite'), { readonly: true });
  const notes = db
    .prepare("SELECT e.body, c.visitor_device AS visitor FROM envelopes e JOIN conversations c ON c.id = e.conversation_id WHERE json_extract(e.body, '$.audience') = 'agents' AND e.at >= ?")
    .all(started) as { body: string; visitor: string }[];
  db.close();
  expect(notes).toHaveLength(1);
  const envelope = JSON.parse(notes[0]!.body) as { keys: { to: string }[]; inbox?: unknown; sealed?: unknown };
  expect(envelope.keys.map((k) => k.to)).not.toContain(notes[0]!.visitor);
  expect(envelope.keys.length).toBeGreaterThan(0);
  expect(envelope.sealed).toBeUndefined();
  for (const file of readdirSync(dataDir).filter((name) => name.startsWith('threadline.sqlite'))) {
    const bytes = readFileSync(join(dataDir, file));
    for (const canary of [secret, saved]) expect(bytes.includes(canary), `${canary} in ${file}`).toBe(false);
  }
});
