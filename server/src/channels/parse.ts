/**
 * Meta webhook bodies into inbound events, one per customer message or referral. Batches are walked
 * in full (every entry, every change or messaging item); statuses, echoes and unsupported message
 * types are skipped. Shapes follow Meta's documentation for the WhatsApp Cloud API and the
 * Messenger Platform (Instagram uses the same `messaging` shape).
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
  /** A handoff reference: Messenger/Instagram `ref`, or the WhatsApp code found in the text. */
  ref?: string;
}

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
        const text = message.type === 'text' && isObject(message.text) ? str(message.text.body) : undefined;
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
          ...(text ? { text } : { text: '[a message Threadline cannot show yet]' }),
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
        const text = str(message.text) ?? '[a message Threadline cannot show yet]';
        const messageRef = isObject(message.referral) ? str(message.referral.ref) : undefined;
        events.push({ ...base, messageId, text, ...(ref ?? messageRef ? { ref: (ref ?? messageRef)! } : {}) });
      } else if (ref) {
        events.push({ ...base, ref });
      }
    }
  }
  return events;
}
