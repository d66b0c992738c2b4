/**
 * Desktop notifications and sound, in Chromium with the real Notification API. The page's
 * `Notification` is wrapped by an init script so the spec can see what the console asked the browser
 * for (permission requests, notifications made, chimes played); the console's code is not replaced.
 * The prompt is asked only from the offer's button; a customer's new conversation and a reply in a
 * conversation not on screen notify, a reply in the conversation on screen does not; clicking a
 * notification opens its conversation; the sound setting stays in this browser.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { expect, signIn, test } from './helpers.ts';
import { openConversationWith, visitorSays, visitorWrites } from './inbox-fixtures.ts';

declare global {
  interface Window {
    observed: { requests: number; chimes: number; notifications: { title: string; body: string; tag: string; notification: Notification }[] };
  }
}

/** Watches the browser APIs the console calls; each call still goes to the real API. */
function observeNotifications() {
  const Real = window.Notification;
  const observed: Window['observed'] = { requests: 0, chimes: 0, notifications: [] };
  window.observed = observed;
  class Observed extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      observed.notifications.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', notification: this });
    }
    static override get permission() {
      return Real.permission;
    }
    static override requestPermission(...args: Parameters<typeof Notification.requestPermission>) {
      observed.requests++;
      return Real.requestPermission(...args);
    }
  }
  window.Notification = Observed;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    observed.chimes++;
    return start.apply(this, args);
  };
}

const notes = (page: Page) => page.evaluate(() => window.observed.notifications.map(({ title, body, tag }) => ({ title, body, tag })));

test('notifications are offered by a button, arrive for what is not on screen, and open their conversation', async ({ browser, baseURL }) => {
  test.setTimeout(150_000);
  const context = await browser.newContext();
  await context.addInitScript(observeNotifications);
  const agent = await context.newPage();
  await signIn(agent);

  // Nothing is asked on load: the offer waits for the agent.
  const offer = agent.getByRole('region', { name: 'Desktop notifications' });
  await expect(offer).toBeVisible();
  expect(await agent.evaluate(() => window.observed.requests)).toBe(0);
  for (const colorScheme of ['light', 'dark'] as const) {
    await agent.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page: agent }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), colorScheme).toEqual([]);
  }
  // The agent accepts the browser's prompt (Playwright grants it, as the agent's click on "Allow" would).
  await context.grantPermissions(['notifications'], { origin: baseURL! });
  await offer.getByRole('button', { name: 'Turn on desktop notifications' }).click();
  await expect(offer).toBeHidden();
  expect(await agent.evaluate(() => window.observed.requests)).toBe(1);

  // The agent reads one customer's conversation.
  const onScreenText = `on-screen-${randomUUID()}`;
  const reader = await visitorWrites(browser, [onScreenText]);
  await openConversationWith(agent, onScreenText);
  const before = (await notes(agent)).length;

  // Another customer starts a conversation: a notification says so.
  const hello = `hello-${randomUUID()}`;
  const other = await visitorWrites(browser, [hello]);
  await expect.poll(async () => (await notes(agent)).slice(before)).toEqual([{ title: expect.stringMatching(/^New conversation: Visitor /), body: hello, tag: expect.any(String) }]);
  const tag = (await notes(agent)).at(-1)!.tag;

  // A reply in the conversation on screen notifies nobody; one in the other conversation does.
  const seenText = `seen-${randomUUID()}`;
  await visitorSays(reader, seenText);
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(seenText)).toBeVisible();
  const again = `again-${randomUUID()}`;
  await visitorSays(other, again);
  await expect.poll(async () => (await notes(agent)).slice(before + 1)).toEqual([{ title: expect.stringMatching(/^Visitor /), body: again, tag }]);

  // Clicking the notification opens that conversation at the message.
  await agent.evaluate(() => window.observed.notifications.at(-1)!.notification.dispatchEvent(new Event('click')));
  const log = agent.getByRole('log', { name: 'Messages' });
  await expect(log.getByText(again)).toBeVisible();
  await expect(log.getByText(hello)).toBeVisible();
  await expect(log.locator('li.highlighted')).toContainText(again);

  // The sound: off by default, turned on here, kept after a reload, played for the next message elsewhere.
  const soundBox = agent.getByRole('checkbox', { name: 'Sound for new messages' });
  await expect(soundBox).not.toBeChecked();
  await soundBox.check();
  await agent.reload();
  await expect(soundBox).toBeChecked();
  await expect(agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first()).toBeVisible();
  await openConversationWith(agent, seenText);
  const chimes = await agent.evaluate(() => window.observed.chimes);
  await visitorSays(other, `with-sound-${randomUUID()}`);
  await expect.poll(() => agent.evaluate(() => window.observed.chimes)).toBeGreaterThan(chimes);
});

test('an agent who says "not now" is not offered notifications again in this browser', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(observeNotifications);
  const agent = await context.newPage();
  await signIn(agent);
  const offer = agent.getByRole('region', { name: 'Desktop notifications' });
  await offer.getByRole('button', { name: 'Not now' }).click();
  await expect(offer).toBeHidden();
  await agent.reload();
  await expect(agent.getByRole('link', { name: 'Inbox' })).toBeVisible();
  await expect(offer).toHaveCount(0);
  expect(await agent.evaluate(() => window.observed.requests)).toBe(0);
});
