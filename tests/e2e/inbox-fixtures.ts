/** Conversations for the console's specs: a new visitor on the shop writes, each message delivered before the next. */
import type { Browser, Page } from '@playwright/test';
import { chat, expect } from './helpers.ts';

export async function visitorWrites(browser: Browser, texts: string[]): Promise<Page> {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  for (const text of texts) await visitorSays(visitor, text);
  return visitor;
}

export async function visitorSays(visitor: Page, text: string): Promise<void> {
  await chat(visitor).getByRole('textbox', { name: 'Message' }).fill(text);
  await chat(visitor).getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(chat(visitor).getByRole('log').getByRole('listitem').filter({ hasText: text })).not.toContainText('Sending…');
}

/** The console's list of conversations, and one of them by its customer's label. */
export const conversationList = (agent: Page) => agent.getByRole('navigation', { name: 'Conversations' });
export const listed = (agent: Page, label: string) => conversationList(agent).getByRole('button', { name: new RegExp(`^${label}`) });

/** Opens the conversation whose thread shows `text`; returns its customer's label. */
export async function openConversationWith(agent: Page, text: string): Promise<string> {
  const buttons = conversationList(agent).getByRole('button');
  await expect(async () => {
    for (let i = 0; i < (await buttons.count()); i++) {
      await buttons.nth(i).click();
      if (await agent.getByRole('log', { name: 'Messages' }).getByText(text).isVisible()) return;
    }
    throw new Error(`no conversation shows ${text} yet`);
  }).toPass();
  return (await agent.getByRole('main').getByRole('heading', { level: 2 }).textContent())!;
}
