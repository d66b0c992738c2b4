/**
 * Deep links that carry a conversation to a messenger with a reference the relay recognises:
 * WhatsApp has no ref parameter, so a short code travels in the prefilled text; Messenger and
 * Instagram take `ref` (characters `[A-Za-z0-9_=-]`).
 */
import type { Channel, ChannelLinks } from './protocol.ts';

export function handoffLink(channel: Channel, links: ChannelLinks, ref: string, business: string): string {
  switch (channel) {
    case 'whatsapp': {
      const text = `Hi ${business}! I'm continuing my chat from your website. #${ref}`;
      return `https://wa.me/${links.whatsapp!.phone.replace(/\D/g, '')}?text=${encodeURIComponent(text)}`;
    }
    case 'messenger':
      return `https://m.me/${encodeURIComponent(links.messenger!.page)}?ref=${ref}`;
    case 'instagram':
      return `https://ig.me/m/${encodeURIComponent(links.instagram!.username)}?ref=${ref}`;
  }
}

/** Phones open the link; desktops show a QR code (Instagram's web app cannot open these links at all). */
export const opensDirectly = (): boolean => globalThis.matchMedia?.('(pointer: coarse)').matches ?? false;
