/**
 * Continuing on a messenger, end to end in real Chromium against the real relay and the demo's
 * channel simulator (which signs webhooks as Meta does and plays the Graph API): for WhatsApp,
 * Messenger and Instagram, a visitor hands off, writes on the messenger, the agent sees it in the
 * same thread and replies, the messenger receives the reply, and the visitor back on the website
 * sees the whole thread in order. The relay's data directory never holds a message's text.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chat, expect, shopWith, signIn, test } from './helpers.ts';

const dataDir = process.env.THREADLINE_E2E_DATA_DIR!;
const NAMES = { whatsapp: 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram' } as const;

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

test('a conversation continues on WhatsApp, Messenger and Instagram as one thread', async ({ browser }) => {
  test.setTimeout(150_000);
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  const canaries: string[] = ['Sam Customer'];

  for (const channel of ['whatsapp', 'messenger', 'instagram'] as const) {
    const name = NAMES[channel];
    const onWeb = `web-${channel}-${randomUUID()}`;
    const onChannel = `${channel}-canary-${randomUUID()}`;
    const reply = `reply-${channel}-canary-${randomUUID()}`;
    canaries.push(onWeb, onChannel, reply);

    // The visitor starts on the website, then continues on the messenger (a desktop: a QR code and the link).
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto('/');
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await chat(visitor).getByRole('textbox', { name: 'Message' }).fill(onWeb);
    await chat(visitor).getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(chat(visitor).getByRole('log').getByRole('listitem').filter({ hasText: onWeb })).not.toContainText('Sending…');
    await chat(visitor).getByRole('button', { name: /^Continue on / }).click();
    await expect(chat(visitor).getByText('the app’s encryption applies, not Threadline’s')).toBeVisible();
    await chat(visitor).getByRole('button', { name: `Continue on ${name}` }).click();
    await expect(chat(visitor).getByRole('img', { name: `Link to continue on ${name}, as a QR code` })).toBeVisible();
    const link = await chat(visitor).getByRole('link', { name: /^https:\/\/(wa\.me|m\.me|ig\.me)\// }).getAttribute('href');
    expect(link).toMatch(channel === 'whatsapp' ? /^https:\/\/wa\.me\/15550001111\?text=.*%23TL-[A-Z0-9]{5}-[A-Z0-9]{5}$/ : channel === 'messenger' ? /^https:\/\/m\.me\/northwind\.demo\?ref=[A-Za-z0-9_-]{22}$/ : /^https:\/\/ig\.me\/m\/northwind\.demo\?ref=[A-Za-z0-9_-]{22}$/);
    await chat(visitor).getByRole('button', { name: 'Back to the conversation' }).click();
    await expect(chat(visitor).getByRole('log').getByText(`Continued on ${name}`)).toBeVisible();

    // On the messenger (the simulator), the customer opens the link and writes.
    const phone = await (await browser.newContext()).newPage();
    await phone.goto('/simulator/');
    await phone.getByLabel('Open a link').fill(link!);
    await phone.getByRole('button', { name: 'Open', exact: true }).click();
    const composer = phone.getByRole('textbox', { name: 'Message as the customer' });
    if (channel === 'whatsapp') await expect(composer).toHaveValue(/#TL-[A-Z0-9]{5}-[A-Z0-9]{5}/);
    await composer.fill(`${(await composer.inputValue()).trim()} ${onChannel}`.trim());
    await phone.getByRole('button', { name: 'Send' }).click();
    await expect(phone.getByRole('log').getByText(onChannel)).toBeVisible();

    // The agent sees both in one thread, with badges, and replies on the messenger.
    await agent.getByRole('link', { name: 'Inbox' }).click();
    await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
    const thread = agent.getByRole('log', { name: 'Messages' });
    await expect(thread.getByText(onWeb)).toBeVisible();
    await expect(thread.getByText(`Visitor continued on ${name}`)).toBeVisible();
    await expect(thread.getByRole('listitem').filter({ hasText: onChannel })).toContainText(name);
    // WhatsApp gives the customer's profile name: sealed into the message, shown by the console, kept by no relay file.
    if (channel === 'whatsapp') await expect(agent.getByRole('heading', { name: 'Sam Customer' })).toBeVisible();
    if (channel === 'whatsapp') {
      // The handoff code is not the customer's words: it shows as a marker beside them.
      const first = thread.getByRole('listitem').filter({ hasText: onChannel });
      await expect(first.getByText(/^Joined from the web chat \(TL-[A-Z0-9]{5}-[A-Z0-9]{5}\)$/)).toBeVisible();
      await expect(first.getByRole('paragraph')).not.toContainText('#TL-');
    }
    await expect(agent.getByLabel('Reply on')).toHaveValue(channel);
    await agent.getByRole('textbox', { name: 'Reply' }).fill(reply);
    await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await expect(thread.getByRole('listitem').filter({ hasText: reply })).not.toContainText('Sending…');

    // The messenger receives the reply.
    await expect(phone.getByRole('log').getByText(reply)).toBeVisible();

    // Back on the website, the visitor sees the whole thread in order.
    await visitor.reload();
    const items = chat(visitor).getByRole('log', { name: 'Messages' }).getByRole('listitem');
    await expect(items).toHaveText(['today', new RegExp(onWeb), new RegExp(`Continued on ${name}`), new RegExp(onChannel), new RegExp(reply)]); // the day's separator first
    await expect(items.filter({ hasText: onChannel })).toContainText(`via ${name}`);
    await visitor.context().close();
    await phone.context().close();
  }

  // The messenger settings are the console's; a site may offer only some of them (data-channels).
  await agent.getByRole('link', { name: 'Messengers' }).click();
  await expect(agent.getByLabel('Phone number (international, digits only)')).toHaveValue('15550001111');
  const shop = await (await browser.newContext()).newPage();
  await shopWith(shop, (html) => html.replace('data-site="demo"', 'data-site="demo" data-channels="whatsapp"'));
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await expect(chat(shop).getByRole('button', { name: /^Continue on / })).toHaveText('Continue on WhatsApp');

  // No byte of the relay's data directory holds any of those texts.
  for (const file of filesUnder(dataDir)) {
    const bytes = readFileSync(file);
    for (const canary of canaries) expect(bytes.includes(canary), `${canary} found in ${file}`).toBe(false);
  }
});
