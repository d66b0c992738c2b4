/**
 * What the relay does with a customer's messenger message: drop it if seen before (deliveries are
 * at least once), find its conversation (a handoff reference links the customer to the web
 * conversation; a known customer continues theirs; anyone else starts a new one), seal the text to
 * the conversation's devices and the inbox key, store only that, and deliver it. An attachment is
 * fetched from the platform, encrypted as a visitor's browser encrypts one, and kept as a blob.
 */
import { createHash } from 'node:crypto';
import { CHANNEL_NAMES, parseDirectoryText, RETENTION_MS, type Channel } from '@threadline/sdk/protocol';
import { sealMessengerFile, sealMessengerMessage } from '@threadline/sdk/seal';
import { overQuota } from '../quotas.ts';
import type { Hub } from '../hub.ts';
import type { Limiter } from '../rate-limit.ts';
import type { FileRef } from '@threadline/sdk';
import type { Storage } from '../storage/index.ts';
import { ChannelError } from './graph.ts';
import type { InboundEvent, InboundMedia } from './parse.ts';

/** Where attachments come from and go: the platform's media download, and the relay's blob storage. */
export interface MediaPorts {
  fetch(channel: Channel, media: InboundMedia): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }>;
  put(conversationId: string, blobId: string, ciphertext: Uint8Array): Promise<void>;
}

/** An id-safe, stable message id from the platform's (wamid, mid). */
const messageIdFor = (platformId: string) => `m${createHash('sha256').update(platformId).digest('base64url').slice(0, 32)}`;

/**
 * The web conversation a handoff code names (single use, expiring). A customer's identity whose
 * codes keep matching nothing is not heard on codes for a while: guessing one takes many numbers.
 */
async function handoff(store: Storage, limit: Limiter, site: string, event: InboundEvent & { ref?: string }): Promise<string | undefined> {
  const customer = `${site}:${event.channel}:${event.identity}`;
  if (!limit.available('handoffMisses', customer)) return undefined;
  const conversationId = await store.takeHandoff(site, event.channel, event.ref!);
  if (!conversationId) limit.take('handoffMisses', customer);
  return conversationId;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/wav': 'wav', 'audio/webm': 'webm', 'video/webm': 'webm', 'video/mp4': 'mp4', 'video/3gpp': '3gp', 'application/pdf': 'pdf' };
const NAMES: Record<InboundMedia['kind'], string> = { image: 'photo', audio: 'audio', video: 'video', document: 'document', sticker: 'sticker' };

/** Fetches and encrypts a customer's attachment; a file that cannot be kept becomes a line saying why. */
async function attach(store: Storage, media: MediaPorts, event: InboundEvent & { media: InboundMedia }, conversationId: string): Promise<{ file?: FileRef; text?: string }> {
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

export async function receive(store: Storage, hub: Hub, event: InboundEvent, limit: Limiter, media?: MediaPorts): Promise<void> {
  const site = await store.siteForAccount(event.channel, event.account);
  if (!site) return;
  const platformId = event.messageId && `${event.channel}:${event.messageId}`;
  if (platformId && (await store.seen(platformId))) return;
  const config = (await store.site(site))!;

  let conversationId = event.ref ? await handoff(store, limit, site, event) : undefined;
  conversationId ??= await store.linkedConversation(site, event.channel, event.identity);
  if (!conversationId || !(await store.conversation(conversationId))) {
    const created = await store.createConversation(site, null, store.now() + RETENTION_MS[config.retention.default]);
    conversationId = created.id;
    await store.link(event.channel, event.identity, site, event.label, conversationId, event.at);
    const { site: _, ...summary } = (await store.conversation(conversationId))!;
    hub.toAgents(site, { type: 'conversation', conversation: summary });
  }
  await store.link(event.channel, event.identity, site, event.label, conversationId, event.at);
  if ((event.text === undefined && !event.media) || !config.directory) return;

  const conversation = (await store.conversation(conversationId))!;
  const directory = parseDirectoryText(config.directory.directory);
  const devices = [...directory.devices, ...(conversation.visitor ? [conversation.visitor] : [])];
  const attached = event.media && media ? await attach(store, media, { ...event, media: event.media }, conversationId) : {};
  const text = [event.text, attached.text].filter(Boolean).join('\n');
  const envelope = await sealMessengerMessage(
    { conversationId, id: messageIdFor(event.messageId!), channel: event.channel, expiresAt: conversation.expiresAt },
    // The profile name travels sealed inside the message: the console shows it, the relay keeps only a shortened id.
    { ...(text ? { text } : {}), ...(attached.file ? { file: attached.file } : {}), ...(event.name ? { name: event.name } : {}) },
    devices,
    directory.inboxKey,
  );
  const { seq, at, duplicate } = await store.appendOnce(envelope, platformId!);
  if (!duplicate) hub.toConversation(site, conversationId, { type: 'message', envelope: { ...envelope, seq, at } });
  const { site: _, ...summary } = (await store.conversation(conversationId))!;
  hub.toAgents(site, { type: 'conversation', conversation: summary });
}
