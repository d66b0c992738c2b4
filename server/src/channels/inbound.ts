/**
 * What the relay does with a customer's messenger message: drop it if seen before (deliveries are
 * at least once), find its conversation (a handoff reference links the customer to the web
 * conversation; a known customer continues theirs; anyone else starts a new one), seal the text to
 * the conversation's devices and the inbox key, store only that, and deliver it, with its
 * attachment (inbound-media.ts).
 */
import { createHash } from 'node:crypto';
import { parseDirectoryText, RETENTION_MS } from '@threadline/sdk/protocol';
import { sealMessengerMessage } from '@threadline/sdk/seal';
import type { Hub } from '../hub.ts';
import type { Limiter } from '../rate-limit.ts';
import type { Storage } from '../storage/index.ts';
import { attach, type MediaPorts } from './inbound-media.ts';
import type { InboundEvent } from './parse.ts';

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
    await hub.toAgents(site, { type: 'conversation', conversation: summary });
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
  const { seq, at, duplicate } = await store.appendOnce(envelope, platformId!, hub.notice(site, conversationId));
  if (!duplicate) await hub.stored(site, conversationId, { body: JSON.stringify(envelope), seq, at });
  const { site: _, ...summary } = (await store.conversation(conversationId))!;
  await hub.toAgents(site, { type: 'conversation', conversation: summary });
}
