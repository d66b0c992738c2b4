/**
 * One WebSocket to the relay: authenticates with a `hello` frame (never a token in the URL),
 * reconnects with exponential backoff and jitter, and reports its state as a signal.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { ConnectionError } from './errors.ts';
import type { ClientFrame, RelayFrame } from './protocol.ts';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'closed';

/** Close codes after which reconnecting would not help: token refused, device or conversation revoked. */
export const UNAUTHORIZED_CLOSE = 4401;
export const REVOKED_CLOSE = 4403;
const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

export interface ConnectionHandlers {
  /** Parses a frame from the relay (throws or rejects with `FrameError`); frames are handled in order either way. */
  parse(raw: string): RelayFrame | Promise<RelayFrame>;
  onFrame(frame: RelayFrame): void;
  onError(error: ConnectionError): void;
}

export class Connection {
  readonly #status = signal<ConnectionStatus>('idle');
  readonly status: ReadonlySignal<ConnectionStatus> = this.#status;
  #socket: WebSocket | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #received: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: URL,
    private readonly token: string,
    private readonly handlers: ConnectionHandlers,
  ) {}

  start(): void {
    if (this.#status.value !== 'idle' && this.#status.value !== 'offline') return;
    clearTimeout(this.#timer);
    this.#status.value = 'connecting';
    const socket = new WebSocket(this.url);
    this.#socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', token: this.token } satisfies ClientFrame));
    socket.onmessage = (event) => this.#receive(socket, event.data);
    socket.onclose = (event) => this.#closed(socket, event.code);
    globalThis.addEventListener?.('online', this.#retryNow);
  }

  /** Sends a frame if the connection is up; returns false when it will have to be sent later. */
  send(frame: ClientFrame): boolean {
    if (this.#status.value !== 'online' || !this.#socket) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  close(): void {
    this.#status.value = 'closed';
    clearTimeout(this.#timer);
    globalThis.removeEventListener?.('online', this.#retryNow);
    this.#socket?.close(1000);
    this.#socket = undefined;
  }

  #receive(socket: WebSocket, data: unknown): void {
    // One frame at a time, in order; a frame that fails is reported and the next ones still run.
    this.#received = this.#received
      .then(() => this.handlers.parse(String(data)))
      .then((frame) => {
        if (frame.type === 'welcome') {
          // Parsing takes a moment: a welcome from a socket that closed meanwhile changes nothing.
          if (socket !== this.#socket) return;
          this.#attempt = 0;
          this.#status.value = 'online';
        }
        this.handlers.onFrame(frame);
      })
      .catch((error) => this.handlers.onError(new ConnectionError('bad_frame', 'read from the relay', String(error), 'Update the widget to the relay’s version.')));
  }

  #closed(socket: WebSocket, code: number): void {
    if (socket !== this.#socket || this.#status.value === 'closed') return;
    this.#socket = undefined;
    if (code === UNAUTHORIZED_CLOSE || code === REVOKED_CLOSE) {
      this.#status.value = 'closed';
      const revoked = code === REVOKED_CLOSE;
      this.handlers.onError(new ConnectionError(revoked ? 'revoked' : 'unauthorized', 'stay connected to the relay', revoked ? 'this device or conversation was revoked' : 'the relay refused this session', 'Sign in again, or clear this site’s data.'));
      return;
    }
    this.#status.value = 'offline';
    const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.#attempt++);
    this.#timer = setTimeout(() => this.start(), delay / 2 + Math.random() * (delay / 2));
  }

  readonly #retryNow = (): void => {
    if (this.#status.value === 'offline') this.start();
  };
}
