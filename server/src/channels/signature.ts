/** `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256(app secret, raw body), compared in constant time. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function validSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}

export const signBody = (appSecret: string, rawBody: Buffer | string): string => `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
