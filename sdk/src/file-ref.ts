/** What a message carries for an attachment, and how it is shown (the transfer is `files.ts`, loaded when a file is sent or opened). */

/** An encrypted file, as a message carries it. */
export interface FileRef {
  /** Blob id at the relay. */
  blob: string;
  name: string;
  type: string;
  /** Plaintext size in bytes. */
  size: number;
  /** AES-256 key of this file only, base64url. */
  key: string;
  /** SHA-256 of the ciphertext, base64url. */
  hash: string;
}

/** A file size for people: KB below a megabyte, MB with one decimal above. */
export const fileSize = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** The types an attachment is shown inline as (an image); any other is a download, never a page of ours. */
export const previewed = (type: string): boolean => /^image\/(png|jpeg|gif|webp)$/.test(type);

/** The types an attachment is played inline as (a voice note, audio from a messenger). */
export const playable = (type: string): boolean => /^audio\/(ogg|mpeg|mp4|aac|webm|wav)$/.test(type);
