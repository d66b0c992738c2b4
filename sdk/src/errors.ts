/**
 * Every error Threadline raises speaks in one voice:
 * `Threadline: failed to <do X>: <reason>. <what to do>` and carries a machine `code`.
 * One class per boundary, so callers can branch on `instanceof` or on `code`.
 */
export class ThreadlineError extends Error {
  override name = 'ThreadlineError';
  constructor(
    readonly code: string,
    action: string,
    reason: string,
    hint: string,
  ) {
    super(`Threadline: failed to ${action}: ${reason}. ${hint}`);
  }
}

/** Bad options or arguments given to the SDK or the widget. */
export class ConfigError extends ThreadlineError {
  override name = 'ConfigError';
}

/** The relay answered something unexpected, or refused a request. */
export class ProtocolError extends ThreadlineError {
  override name = 'ProtocolError';
}

/** The connection to the relay could not be made or was lost. */
export class ConnectionError extends ThreadlineError {
  override name = 'ConnectionError';
}

/** A key could not be made or found, or a message failed to decrypt or verify. */
export class CryptoError extends ThreadlineError {
  override name = 'CryptoError';
}

/** IndexedDB could not be opened, read or written. */
export class StorageError extends ThreadlineError {
  override name = 'StorageError';
}

/**
 * The relay's storage quota for the conversation or the business is used up. Nothing was lost: the
 * message waits in the outbox and goes again on the next connection.
 */
export class QuotaExceededError extends ThreadlineError {
  override name = 'QuotaExceededError';
}

/** An error as it crosses to another tab or frame (structured clone keeps no class). */
export interface WireError {
  name: string;
  code: string;
  message: string;
}

// The classes a client throws on the main thread (StorageError stays in the worker, which answers with codes).
const classes: Record<string, typeof ThreadlineError> = { ConfigError, ProtocolError, ConnectionError, CryptoError, QuotaExceededError };

export const toWire = (error: unknown): WireError => ({ name: (error as Error)?.name, code: (error as ThreadlineError)?.code ?? 'internal', message: String((error as Error)?.message ?? error) });

/** The error again, of its own class, so `instanceof` and `code` hold on the receiving side. */
export const fromWire = ({ name, code, message }: WireError): ThreadlineError =>
  Object.assign(new (Object.hasOwn(classes, name) ? classes[name]! : ThreadlineError)(code, '', '', ''), { message });
