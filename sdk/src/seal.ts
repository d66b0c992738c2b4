/**
 * Sealing a messenger message for a conversation's devices and the organisation's inbox key, in
 * Threadline's envelope format. The relay uses it for text that arrives in plaintext from WhatsApp,
 * Messenger or Instagram, so that it can store the message without keeping its text.
 */
import { sealFile } from './crypto/attachments.ts';
import { fromBase64Url, randomId, toBase64Url, utf8 } from './crypto/encoding.ts';
import type { FileRef } from './file-ref.ts';
import { sealWithoutSessions } from './crypto/message.ts';
import type { Channel, Envelope } from './protocol.ts';

export async function sealMessengerMessage(
  meta: { conversationId: string; id: string; channel: Channel; expiresAt: number },
  content: { text?: string; name?: string; file?: FileRef },
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

/**
 * Encrypts an attachment that arrived from a messenger the way a visitor's browser encrypts one:
 * the relay stores `ciphertext` as the blob, and the sealed message carries `file` (with its key).
 */
export async function sealMessengerFile(bytes: Uint8Array<ArrayBuffer>, file: { name: string; type: string }): Promise<{ ciphertext: Uint8Array<ArrayBuffer>; file: FileRef }> {
  const { ciphertext, key, hash } = await sealFile(bytes);
  return { ciphertext, file: { blob: randomId(), name: file.name, type: file.type, size: bytes.byteLength, key: toBase64Url(key), hash: toBase64Url(hash) } };
}
