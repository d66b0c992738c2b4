/**
 * Meta webhook bodies into inbound events, one per customer message or referral. Batches are walked
 * in full (every entry, every change or messaging item); statuses, echoes and unsupported message
 * types are skipped. Shapes follow Meta's documentation for the WhatsApp Cloud API and the
 * Messenger Platform (Instagram uses the same `messaging` shape). Attachments become `media` to fetch;
 * locations, contacts and reactions become text the agent can read.
 */
import { WHATSAPP_CODE, type Channel } from '@threadline/sdk/protocol';

export interface InboundEvent {
  channel: Channel;
  /** The business account the webhook is for: phone number id (WhatsApp), page or Instagram account id. */
  account: string;
  /** The customer: wa_id or business-scoped user id, PSID, IGSID. */
  identity: string;
  /** What the relay keeps to show the customer: a shortened id, never their name. */
  label: string;
  /** The customer's profile name (WhatsApp): sealed with their message, never stored in plaintext. */
  name?: string;
  at: number;
  /** The platform's message id (wamid, mid), for deduplication; absent for a bare referral. */
  messageId?: string;
  text?: string;
  /** An attachment to fetch from the platform and seal into the thread. */
  media?: InboundMedia;
  /** A handoff reference: Messenger/Instagram `ref`, or the WhatsApp code found in the text. */
  ref?: string;
}

/** An attachment as a webhook names it: WhatsApp by media id (fetched through the Graph API), Messenger and Instagram by a URL. */
export interface InboundMedia {
  kind: 'image' | 'audio' | 'video' | 'document' | 'sticker';
  id?: string;
  url?: string;
  /** The MIME type the platform reports (WhatsApp); otherwise the download's. */
  type?: string;
  /** The file name the customer's file had (WhatsApp documents). */
  name?: string;
}

/** What a message of a type Threadline cannot show carries instead. */
export const UNSUPPORTED = '[a message Threadline cannot show yet]';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 && value.length <= 4096 ? value : undefined);

const mask = (id: string) => (id.length > 6 ? `…${id.slice(-4)}` : id);
/** The longest label a conversation summary carries (`label` in the protocol's channel state). */
export const MAX_LABEL = 80;
/** Cuts a customer's display name to MAX_LABEL UTF-16 units without splitting a character. */
function label(name: string): string {
  let out = '';
  for (const char of name) {
    if (out.length + char.length > MAX_LABEL) break;
    out += char;
  }
  return out;
}

/** `object: whatsapp_business_account` → `entry[].changes[].value.messages[]`. */
export function parseWhatsApp(body: unknown): InboundEvent[] {
  if (!isObject(body) || body.object !== 'whatsapp_business_account') return [];
  const events: InboundEvent[] = [];
  for (const entry of list(body.entry)) {
    for (const change of list(entry.changes)) {
      const value = isObject(change.value) ? change.value : {};
      const account = str(isObject(value.metadata) ? value.metadata.phone_number_id : undefined);
      if (!account) continue;
      const contacts = list(value.contacts);
      for (const message of list(value.messages)) {
        // Newer payloads carry a business-scoped user id (`user_id`, `from_user_id`) and may omit
        // wa_id and from; it is in every message, so customers are keyed on it when present.
        const contact = contacts.find((c) => (c.user_id && c.user_id === message.from_user_id) || (c.wa_id && c.wa_id === message.from)) ?? contacts[0] ?? {};
        const identity = str(message.from_user_id) ?? str(contact.user_id) ?? str(contact.wa_id) ?? str(message.from);
        const messageId = str(message.id);
        if (!identity || !messageId) continue;
        const { text, media } = whatsAppContent(message);
        const profile = isObject(contact.profile) ? contact.profile : {};
        const name = str(profile.name) ?? str(profile.username);
        const ref = text ? WHATSAPP_CODE.exec(text)?.[1] : undefined;
        events.push({
          channel: 'whatsapp',
          account,
          identity,
          label: mask(identity),
          ...(name ? { name: label(name) } : {}),
          at: Number(message.timestamp) * 1000 || Date.now(),
          messageId,
          ...(text || media ? {} : { text: UNSUPPORTED }),
          ...(text ? { text } : {}),
          ...(media ? { media } : {}),
          ...(ref ? { ref } : {}),
        });
      }
    }
  }
  return events;
}

/** `object: page` (Messenger) or `object: instagram` → `entry[].messaging[]`. */
export function parseMessaging(body: unknown, channel: 'messenger' | 'instagram'): InboundEvent[] {
  if (!isObject(body) || body.object !== (channel === 'messenger' ? 'page' : 'instagram')) return [];
  const events: InboundEvent[] = [];
  for (const entry of list(body.entry)) {
    const account = str(entry.id);
    if (!account) continue;
    for (const item of list(entry.messaging)) {
      const sender = isObject(item.sender) ? str(item.sender.id) : undefined;
      if (!sender || sender === account) continue;
      const at = Number(item.timestamp) || Date.now();
      const base = { channel, account, identity: sender, label: mask(sender), at };
      // Match on ref, never on source: an existing thread sends `referral`, a new one `postback.referral`.
      const referral = isObject(item.referral) ? item.referral : isObject(item.postback) && isObject(item.postback.referral) ? item.postback.referral : undefined;
      const ref = referral ? str(referral.ref) : undefined;
      const message = isObject(item.message) ? item.message : undefined;
      if (message && message.is_echo !== true) {
        const messageId = str(message.mid);
        if (!messageId) continue;
        const messageRef = isObject(message.referral) ? str(message.referral.ref) : undefined;
        const linked = ref ?? messageRef ? { ref: (ref ?? messageRef)! } : {};
        const parts = messagingContent(message);
        // Several attachments in one message become one message each, the text going with the first.
        parts.forEach((part, i) => events.push({ ...base, messageId: i ? `${messageId}#${i}` : messageId, ...part, ...(i ? {} : linked) }));
      } else if (isObject(item.reaction) && str(item.reaction.mid)) {
        const emoji = str(item.reaction.emoji);
        const text = item.reaction.action === 'unreact' ? 'Removed a reaction' : emoji ? `Reacted ${emoji} to a message` : 'Reacted to a message';
        events.push({ ...base, messageId: `reaction:${str(item.reaction.mid)}:${at}`, text });
      } else if (ref) {
        events.push({ ...base, ref });
      }
    }
  }
  return events;
}

const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;
const coordinates = (latitude: unknown, longitude: unknown) =>
  typeof latitude === 'number' && typeof longitude === 'number' && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 ? { latitude, longitude } : undefined;
/** A shared location as text: its name and address, and a map link anyone can open. */
function locationText(place: { latitude: number; longitude: number }, name?: string, address?: string): string {
  const link = `https://www.openstreetmap.org/?mlat=${place.latitude}&mlon=${place.longitude}#map=17/${place.latitude}/${place.longitude}`;
  return ['Shared a location', [name, address].filter(Boolean).join(', '), link].filter(Boolean).join('\n');
}

/** A WhatsApp message's text, or the attachment, location, contacts or reaction it carries. */
function whatsAppContent(message: Json): { text?: string; media?: InboundMedia } {
  const type = message.type;
  const body = typeof type === 'string' && isObject(message[type]) ? (message[type] as Json) : {};
  if (type === 'text') return { ...(str(body.body) ? { text: str(body.body)! } : {}) };
  const kind = MEDIA_KINDS.find((k) => k === type);
  if (kind && str(body.id)) {
    const caption = str(body.caption);
    const name = str(body.filename);
    const mime = str(body.mime_type);
    return { ...(caption ? { text: caption } : {}), media: { kind, id: str(body.id)!, ...(mime ? { type: mime } : {}), ...(name ? { name } : {}) } };
  }
  if (type === 'location') {
    const place = coordinates(body.latitude, body.longitude);
    if (place) return { text: locationText(place, str(body.name), str(body.address)) };
  }
  if (type === 'contacts' && Array.isArray(message.contacts)) {
    const cards = list(message.contacts).map((card) => {
      const name = isObject(card.name) ? str(card.name.formatted_name) : undefined;
      const phones = list(card.phones).flatMap((p) => (str(p.phone) ? [str(p.phone)!] : []));
      return [name, ...phones].filter(Boolean).join(', ');
    });
    if (cards.some(Boolean)) return { text: ['Shared a contact', ...cards.filter(Boolean)].join('\n') };
  }
  if (type === 'reaction' && isObject(message.reaction)) {
    const emoji = str(message.reaction.emoji);
    return { text: emoji ? `Reacted ${emoji} to a message` : 'Removed a reaction' };
  }
  return {};
}

/** A Messenger or Instagram message as one part per attachment (the text with the first), or its text alone. */
function messagingContent(message: Json): { text?: string; media?: InboundMedia }[] {
  const text = str(message.text);
  const parts: { text?: string; media?: InboundMedia }[] = [];
  for (const attachment of list(message.attachments)) {
    const payload = isObject(attachment.payload) ? attachment.payload : {};
    const url = str(payload.url);
    const kind = attachment.type === 'file' ? 'document' : payload.sticker_id !== undefined && attachment.type === 'image' ? 'sticker' : MEDIA_KINDS.find((k) => k === attachment.type);
    if (kind && url && /^https?:\/\//.test(url)) parts.push({ media: { kind, url } });
    else if (attachment.type === 'location' && isObject(payload.coordinates)) {
      const place = coordinates(payload.coordinates.lat, payload.coordinates.long);
      if (place) parts.push({ text: locationText(place, str(attachment.title)) });
    }
  }
  if (text) parts[0] ? (parts[0].text = parts[0].text ? `${text}\n${parts[0].text}` : text) : parts.push({ text });
  return parts.length ? parts : [{ text: UNSUPPORTED }];
}
