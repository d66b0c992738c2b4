/** Session tokens and invitation codes: random secrets handed out once; the storage keeps only their SHA-256. */
import { createHash, randomBytes } from 'node:crypto';

export const newToken = () => randomBytes(32).toString('base64url');
export const newInviteCode = () => randomBytes(24).toString('base64url');
/** A record id: 96 random bits. */
export const newId = () => randomBytes(12).toString('base64url');
export const secretHash = (secret: string): Buffer => createHash('sha256').update(secret).digest();
