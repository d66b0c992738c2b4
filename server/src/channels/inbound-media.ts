/**
 * A customer's attachment from a messenger: fetched from the platform, encrypted as a visitor's
 * browser encrypts one (the relay keeps only the ciphertext, as a blob within the storage quota),
 * its key sealed into the message. A file that cannot be kept becomes a line in the thread saying why.
 */
import type { FileRef } from '@threadline/sdk';
import { CHANNEL_NAMES, type Channel } from '@threadline/sdk/protocol';
import { sealMessengerFile } from '@threadline/sdk/seal';
import { overQuota } from '../quotas.ts';
import type { Storage } from '../storage/index.ts';
import { ChannelError } from './graph.ts';
import type { InboundEvent, InboundMedia } from './parse.ts';

/** Where attachments come from and go: the platform's media download, and the relay's blob storage. */
export interface MediaPorts {
  fetch(channel: Channel, media: InboundMedia): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }>;
  put(conversationId: string, blobId: string, ciphertext: Uint8Array): Promise<unknown>;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/wav': 'wav', 'audio/webm': 'webm', 'video/webm': 'webm', 'video/mp4': 'mp4', 'video/3gpp': '3gp', 'application/pdf': 'pdf' };
const NAMES: Record<InboundMedia['kind'], string> = { image: 'photo', audio: 'audio', video: 'video', document: 'document', sticker: 'sticker' };

export async function attach(store: Storage, media: MediaPorts, event: InboundEvent & { media: InboundMedia }, conversationId: string): Promise<{ file?: FileRef; text?: string }> {
  const what = `${NAMES[event.media.kind]} from ${CHANNEL_NAMES[event.channel]}`;
  let download: { bytes: Uint8Array<ArrayBuffer>; type: string };
  try {
    download = await media.fetch(event.channel, event.media);
  } catch (error) {
    // The platform may be down for a moment: failing the webhook makes Meta deliver it again.
    if (error instanceof ChannelError && (error.code === 'unreachable' || /^platform_5/.test(error.code))) throw error;
    return { text: `[a ${what} that the relay could not fetch: ${error instanceof Error ? error.message : String(error)}]` };
  }
  const type = (event.media.type ?? download.type).split(';')[0]!.trim().toLowerCase();
  const name = event.media.name ?? `${NAMES[event.media.kind]}.${EXTENSIONS[type] ?? 'bin'}`;
  const { ciphertext, file } = await sealMessengerFile(download.bytes, { name, type });
  const used = (await store.usage(conversationId)) ?? { conversation: 0, site: 0 };
  if (overQuota(store.quotas, used, ciphertext.byteLength)) return { text: `[a ${what} that did not fit in the relay's storage quota]` };
  await media.put(conversationId, file.blob, ciphertext);
  await store.addBlobBytes(conversationId, ciphertext.byteLength);
  return { file };
}
