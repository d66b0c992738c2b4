/**
 * Nothing lost, nothing duplicated: a visitor and an agent each send 400 messages while a proxy
 * cuts every connection at random 50–500 ms intervals and the relay process is killed (SIGKILL)
 * and restarted once. Both sides must end with all 800 messages, each once, in sending order.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { Page } from '@playwright/test';
import { startOwnRelay } from './hardening-relay.ts';
import { chat, chatFrame, expect, ownPort, signIn, test } from './helpers.ts';

const COUNT = 400;
/** About a dozen messages' worth of frames between two cuts. */
const PROGRESS_BYTES = 16 * 1024;
const relayPort = ownPort(20);
const proxyPort = ownPort(21);
const origin = `http://127.0.0.1:${proxyPort}`;
const settings = {
  // The pages are served through the proxy, and both sides send far faster than people do.
  THREADLINE_DEMO_ORIGINS: origin,
  THREADLINE_LIMITS: 'messages=5000/60000,frames=10000/120000',
};

/**
 * A TCP proxy in front of the relay whose `cut()` drops every open connection at once, and which
 * counts the bytes it carried since the last cut: chaos waits for some, so that each connection
 * gets to do some work however slow the machine is (cuts faster than a reconnect would only stall).
 */
function cuttingProxy() {
  const open = new Set<Socket>();
  let carried = 0;
  let waiting: (() => void) | undefined;
  const server = createServer((client) => {
    const upstream = connect(relayPort, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      open.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => (open.delete(a), b.destroy()));
      a.on('data', (chunk: Buffer) => {
        carried += chunk.length;
        if (carried >= PROGRESS_BYTES) waiting?.();
      });
      a.pipe(b);
    }
  });
  return {
    listening: new Promise<void>((resolve) => server.listen(proxyPort, '127.0.0.1', resolve)),
    /** Resolves once the proxy has carried enough bytes since the last cut. */
    progress: () => (carried >= PROGRESS_BYTES ? Promise.resolve() : new Promise<void>((resolve) => (waiting = resolve))),
    cut: () => {
      carried = 0;
      waiting = undefined;
      open.forEach((socket) => socket.destroy());
    },
    close: () => (open.forEach((socket) => socket.destroy()), server.close()),
  };
}

/** Each side's view: its thread's texts in order, and whether any is still on its way. */
const visitorView = async (page: Page) =>
  (await chatFrame(page)).evaluate(() => {
    const client = document.querySelector<HTMLElement & { client: { messages: { value: { text: string; status: string }[] } } }>('threadline-panel')!.client;
    return client.messages.value.map((m) => (m.status === 'sent' ? m.text : `${m.text} (${m.status})`));
  });
const agentView = (page: Page) =>
  page.locator('.thread .log li').evaluateAll((items) => items.map((li) => `${li.querySelector('p')?.textContent ?? ''}${li.classList.contains('sent') ? '' : ` (${li.className})`}`));

test('400 messages each way survive random connection cuts and a relay SIGKILL: none lost, none duplicated, in order', async ({ browser }) => {
  test.setTimeout(300_000);
  const proxy = cuttingProxy();
  let [server] = await Promise.all([startOwnRelay(relayPort, settings), proxy.listening]);
  try {
    const visitor = await (await browser.newContext({ baseURL: origin })).newPage();
    await visitor.goto('/');
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await chat(visitor).getByRole('textbox', { name: 'Message' }).fill('v0');
    await chat(visitor).getByRole('textbox', { name: 'Message' }).press('Enter');
    const agent = await (await browser.newContext({ baseURL: origin })).newPage();
    await signIn(agent, 'agent@demo.test', server.password);
    await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
    await expect(agent.getByRole('log').getByText('v0', { exact: true })).toBeVisible();

    // Chaos: cut every connection at random intervals (once it has carried some traffic); kill the
    // relay once, mid-way, and restart it.
    let cuts = 0;
    let sending = true;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const chaos = (async () => {
      const started = Date.now();
      let killed = false;
      while (sending) {
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 450));
        await Promise.race([proxy.progress(), stopped]);
        if (!sending) break;
        proxy.cut();
        cuts++;
        if (!killed && Date.now() - started > 3000) {
          killed = true;
          await server.kill();
          server = await startOwnRelay(relayPort, settings, server.dataDir);
        }
      }
      return killed;
    })();

    // Both sides send as fast as they can, each message after the previous one was accepted locally.
    const visitorSends = (await chatFrame(visitor)).evaluate(async (count) => {
      const panel = document.querySelector('threadline-panel') as HTMLElement & { client: { send(text: string, options: { id: string }): Promise<unknown> } };
      for (let i = 1; i < count; i++) {
        for (;;) {
          try {
            await panel.client.send(`v${i}`, { id: `chaos-v${i}` });
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
    }, COUNT);
    const agentSends = agent.evaluate(async (count) => {
      const input = document.querySelector<HTMLTextAreaElement>('textarea#reply')!;
      // Only the newest rows are looked at: scanning the whole thread every few milliseconds would cost the page more than sending does.
      const shown = (text: string) => {
        let row = document.querySelector('.thread .log ol')?.lastElementChild;
        for (let seen = 0; row && seen < 50; seen++, row = row.previousElementSibling) if (row.querySelector('p')?.textContent === text) return true;
        return false;
      };
      for (let i = 0; i < count; i++) {
        input.value = `a${i}`;
        input.form!.requestSubmit();
        while (!shown(`a${i}`)) await new Promise((r) => setTimeout(r, 10));
      }
    }, COUNT);
    await Promise.all([visitorSends, agentSends]);
    sending = false;
    stop();
    const killed = await chaos;

    // Everything arrives once the connections hold: compare both sides with what was sent.
    const expected = [...Array(COUNT)].flatMap((_, i) => [`v${i}`, `a${i}`]);
    const check = (seen: string[]) => {
      const visitorOrder = seen.filter((t) => t.startsWith('v'));
      const agentOrder = seen.filter((t) => t.startsWith('a'));
      const lost = expected.filter((t) => !seen.includes(t)).length;
      return { lost, duplicated: seen.length - new Set(seen).size, outOfOrder: [visitorOrder, agentOrder].some((side) => side.some((t, i) => t !== `${t[0]}${i}`)) };
    };
    const clean = { lost: 0, duplicated: 0, outOfOrder: false };
    await expect.poll(async () => check(await visitorView(visitor)), { timeout: 120_000, intervals: [500] }).toEqual(clean);
    await expect.poll(async () => check(await agentView(agent)), { timeout: 120_000, intervals: [500] }).toEqual(clean);
    const [visitorSeen, agentSeen] = [await visitorView(visitor), await agentView(agent)];
    console.log(`chaos: ${cuts} connection cuts, relay killed and restarted: ${killed}; visitor shows ${visitorSeen.length} of ${expected.length}, agent shows ${agentSeen.length}; lost 0, duplicated 0, order kept on both sides`);
    expect(killed).toBe(true);
    expect(visitorSeen).toHaveLength(2 * COUNT);
    expect(agentSeen).toHaveLength(2 * COUNT);
  } finally {
    proxy.close();
    await server.stop();
  }
});
