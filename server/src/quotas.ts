/**
 * Storage quotas: how many bytes of envelopes and attachments one conversation, and one site, may
 * keep on the relay's disk. What was accepted stays; past a quota, new envelopes and attachments
 * are refused with `quota_exceeded` until conversations expire (or the operator raises the quota).
 */
import { HttpError, voice } from './responses.ts';

export interface Quotas {
  /** Bytes one conversation may keep (envelopes as stored plus attachment ciphertext). */
  conversationBytes: number;
  /** Bytes all of one site's conversations may keep together. */
  siteBytes: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  conversationBytes: 200 * 1024 * 1024,
  siteBytes: 20 * 1024 * 1024 * 1024,
};

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${bytes} bytes`);

/** Which quota an addition of bytes would pass, or undefined. */
export function overQuota(quotas: Quotas, used: { conversation: number; site: number }, adding: number): keyof Quotas | undefined {
  if (used.conversation + adding > quotas.conversationBytes) return 'conversationBytes';
  if (used.site + adding > quotas.siteBytes) return 'siteBytes';
  return undefined;
}

/** The error for a refused addition, in Threadline's voice: what was kept and what to do. */
export function quotaMessage(action: string, quotas: Quotas, which: keyof Quotas): string {
  return which === 'conversationBytes'
    ? voice(action, `this conversation has used its storage quota of ${size(quotas.conversationBytes)}`, 'Nothing was stored; your message is kept and can go once there is room. Start a new conversation, or ask the relay’s operator to raise conversationBytes in THREADLINE_LIMITS.')
    : voice(action, `this business has used its storage quota of ${size(quotas.siteBytes)}`, 'Nothing was stored; your message is kept and can go once there is room. Try again once older conversations expire, or ask the relay’s operator to raise siteBytes in THREADLINE_LIMITS.');
}

/** 507 Insufficient Storage: the HTTP form of `quota_exceeded`. */
export const quotaError = (action: string, quotas: Quotas, which: keyof Quotas) => new HttpError(507, 'quota_exceeded', quotaMessage(action, quotas, which));

/** An envelope refused because storing it would pass a quota (nothing was written). */
export class QuotaError extends Error {
  constructor(readonly which: keyof Quotas) {
    super(`storage quota ${which} reached`);
  }
}
