/**
 * @threadline/sdk — the visitor's headless client.
 * Agents' code imports `@threadline/sdk/agent`; the wire types are in `@threadline/sdk/protocol`.
 */

// Client
export { createClient, RETENTION_MS, RETENTIONS } from './client.ts';
export { MAX_TEXT_LENGTH } from './sync.ts';

// Continuing on a messenger
export { CHANNEL_NAMES, CHANNELS } from './protocol.ts';
export { handoffLink, opensDirectly } from './handoff.ts';

// Message text as tokens (links, bold, italic, code), to render as elements
export { tokenize } from './format.ts';
export type { Token } from './format.ts';

// Errors
export { ThreadlineError, ConfigError, ConnectionError, CryptoError, ProtocolError, StorageError, QuotaExceededError } from './errors.ts';

export type { Client, ClientOptions, Verification } from './client.ts';
export type { Content, Rating } from './thread.ts';
export { fileSize, playable, previewed } from './file-ref.ts';
export type { FileRef } from './file-ref.ts';
export type { Channel, ChannelLinks, Retention } from './protocol.ts';
export type { RelayOptions } from './options.ts';
export type { ChatMessage, MessageStatus } from './thread.ts';
export type { ConnectionStatus } from './connection.ts';
export type { Role } from './protocol.ts';
