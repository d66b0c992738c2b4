/**
 * A customer sends a photo and a voice note on WhatsApp and Messenger (the demo's channel simulator
 * plays Meta: webhooks, the Graph API media endpoint, the CDN). The relay fetches each file, encrypts
 * it into a blob, and the agent's console decrypts it: the photo shows, the voice note plays. The
 * agent's file goes the other way: uploaded to the platform, and into the encrypted thread.
 */
import { randomUUID } from 'node:crypto';
import { chat, expect, signIn, test } from './helpers.ts';

/** A WAV file of a quarter second of a 440 Hz tone, 8 kHz, 8-bit mono. */
function tone(): Buffer {
  const samples = Buffer.from(Array.from({ length: 2000 }, (_, i) => 128 + Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / 8000))));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

for (const channel of ['WhatsApp', 'Messenger'] as const) {
  test(`a photo and a voice note sent on ${channel} show and play in the agent's console; the agent's file reaches ${channel}`, async ({ browser }) => {
    const agent = await (await browser.newContext()).newPage();
    await signIn(agent);
    const phone = await (await browser.newContext()).newPage();
    await phone.goto('/simulator/');
    await phone.getByRole('radio', { name: channel }).check();
    const photo = Buffer.from(
      (await phone.evaluate(() => {
        const canvas = Object.assign(document.createElement('canvas'), { width: 48, height: 32 });
        const context = canvas.getContext('2d')!;
        context.fillStyle = '#c0392b';
        context.fillRect(0, 0, 48, 32);
        return canvas.toDataURL('image/png');
      })).split(',')[1]!,
      'base64',
    );
    const caption = `The parcel arrived like this ${randomUUID()}`;
    await phone.getByRole('textbox', { name: 'Message as the customer' }).fill(caption);
    await phone.getByLabel('Attach a photo, voice note or file').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: photo });
    await expect(phone.getByRole('log').getByText(caption)).toBeVisible();
    await phone.getByLabel('Attach a photo, voice note or file').setInputFiles({ name: 'voice-note.wav', mimeType: 'audio/wav', buffer: tone() });
    await expect(phone.getByRole('log').getByText('📎 voice-note.wav')).toBeVisible();

    // The agent finds the customer's conversation by the caption (searched on the device) and opens it.
    const id = caption.split(' ').at(-1)!;
    await agent.getByRole('searchbox', { name: 'Search messages' }).fill(id);
    await agent.getByRole('navigation', { name: 'Search results' }).getByRole('button', { name: new RegExp(id) }).click();
    const thread = agent.getByRole('log', { name: 'Messages' });
    const message = thread.getByRole('listitem').filter({ hasText: caption });
    await expect(message).toContainText(channel);
    await message.getByRole('button', { name: /^Show photo\.png/ }).click();
    const image = message.getByRole('img', { name: 'photo.png' });
    await expect(image).toBeVisible();
    expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([48, 32]);

    await thread.getByRole('button', { name: /^Play audio\.wav/ }).click();
    const audio = thread.locator('audio[aria-label="audio.wav"]');
    await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.duration)).toBeCloseTo(0.25, 2);

    await expect(agent.getByLabel('Reply on')).toHaveValue(channel.toLowerCase());
    await agent.getByLabel('Attach a file').setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 receipt') });
    await expect(phone.getByRole('log').getByText('📎 receipt.pdf')).toBeVisible();
    await expect(thread.getByRole('listitem').filter({ hasText: 'receipt.pdf' })).toContainText(channel);
  });
}

test('a voice note the customer sends on WhatsApp after leaving the website plays in the web chat too', async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  await chat(visitor).getByRole('textbox', { name: 'Message' }).fill('I will send you a voice note');
  await chat(visitor).getByRole('textbox', { name: 'Message' }).press('Enter');
  await chat(visitor).getByRole('button', { name: /^Continue on / }).click();
  await chat(visitor).getByRole('button', { name: 'Continue on WhatsApp' }).click();
  const link = await chat(visitor).getByRole('link', { name: /^https:\/\/wa\.me\// }).getAttribute('href');
  await chat(visitor).getByRole('button', { name: 'Back to the conversation' }).click();

  const phone = await (await browser.newContext()).newPage();
  await phone.goto('/simulator/');
  await phone.getByLabel('Open a link').fill(link!);
  await phone.getByRole('button', { name: 'Open', exact: true }).click();
  // The prefilled text (with the handoff code) goes as the voice note's caption.
  await phone.getByLabel('Attach a photo, voice note or file').setInputFiles({ name: 'voice-note.wav', mimeType: 'audio/wav', buffer: tone() });
  await expect(phone.getByRole('log').getByText('📎 voice-note.wav')).toBeVisible();

  await chat(visitor).getByRole('button', { name: /^Play audio\.wav/ }).click();
  const audio = chat(visitor).locator('audio[aria-label="audio.wav"]');
  await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.duration)).toBeCloseTo(0.25, 2);
});
