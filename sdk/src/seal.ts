/**
 * Sealing a messenger message for a conversation's devices and the organisation's inbox key, in
 * Threadline's envelope format. The relay uses it for text that arrives in plaintext from WhatsApp,
 * Messenger or Instagram, so that it can store the message without keeping its text.
 */
import { fromBase64Url, utf8 } from './crypto/encoding.ts';
import { sealWithoutSessions } from './crypto/message.ts';
import type { Channel, Envelope } from './protocol.ts';

export async function sealMessengerMessage(
  meta: { conversationId: string; id: string; channel: Channel; expiresAt: number },
  content: { text: string; name?: string },
  devices: { id: string; identityKey: string }[],
  inboxKey: string,
): Promise<Envelope> {
  const full = { conversationId: meta.conversationId, id: meta.id, from: 'visitor' as const, device: meta.channel, expiresAt: meta.expiresAt };
  const body = await sealWithoutSessions(
    full,
    utf8(JSON.stringify(content)),
    devices.map((d) => ({ deviceId: d.id, identityKey: fromBase64Url(d.identityKey) })),
    fromBase64Url(inboxKey),
  );
  return { v: 2, ...full, ...body, channel: meta.channel };
}
