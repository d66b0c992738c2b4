/** The relay's storage boundary: the interface, its records, and how to open one. */
export type { BlobStore } from './blobs.ts';
export { BlobExistsError } from './blobs.ts';
export { openStorage, type StorageOptions } from './open.ts';
export type { ChannelStore, ConversationStore, DeviceStore, SiteStore, Storage } from './storage.ts';
export * from './types.ts';
