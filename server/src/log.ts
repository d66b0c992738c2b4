/**
 * The relay's log: one JSON object per line (pino), at the level of `--log-level` /
 * THREADLINE_LOG_LEVEL (default info). A line says what failed and where; never a message's
 * content, a token or a key. Errors are written with their class, code, message and stack only.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const isLogLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value);

/** A logger writing JSON lines to `destination` (default stdout). */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino({ name: 'threadline-relay', level, serializers: { err: errorFields } }, destination);
}

let shared: Logger | undefined;
/** The log of a relay given none: JSON lines on stdout at info, one logger for the process. */
export const defaultLogger = (): Logger => (shared ??= createLogger());

/**
 * An error as a log line shows it: class, code, message, stack, and its cause's. Not the other
 * fields a driver attaches: PostgreSQL's `detail` quotes a refused row's values, ciphertext included.
 */
function errorFields(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code } = error as { code?: unknown };
  return {
    type: error.constructor.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: error.stack,
    ...(error.cause !== undefined && depth < 3 ? { cause: errorFields(error.cause, depth + 1) } : {}),
  };
}
