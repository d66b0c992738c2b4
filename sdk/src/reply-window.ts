/**
 * The messengers' customer-service windows: a business may answer freely for 24 hours after the
 * customer's last message; Messenger and Instagram then allow a human agent 7 days (HUMAN_AGENT
 * tag); WhatsApp allows nothing free-form (only approved templates, which Threadline does not send).
 */
import type { Channel } from './protocol.ts';

const HOUR = 3600_000;
export const STANDARD_WINDOW_MS = 24 * HOUR;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

export interface ReplyWindow {
  open: boolean;
  /** Whether the reply needs the HUMAN_AGENT tag (Messenger, Instagram after 24 hours). */
  humanAgentTag: boolean;
  /** Milliseconds until the window closes (0 when closed). */
  remainingMs: number;
}

export function replyWindow(channel: Channel, lastInboundAt: number, now = Date.now()): ReplyWindow {
  const age = now - lastInboundAt;
  if (age < STANDARD_WINDOW_MS) return { open: true, humanAgentTag: false, remainingMs: STANDARD_WINDOW_MS - age };
  if (channel !== 'whatsapp' && age < HUMAN_AGENT_WINDOW_MS) return { open: true, humanAgentTag: true, remainingMs: HUMAN_AGENT_WINDOW_MS - age };
  return { open: false, humanAgentTag: false, remainingMs: 0 };
}
