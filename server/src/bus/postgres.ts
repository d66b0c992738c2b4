/**
 * The bus of relays sharing one PostgreSQL: deliveries go out with NOTIFY and come in on a
 * dedicated connection that LISTENs. PostgreSQL delivers a channel's notifications to every
 * listener exactly once, in the order their transactions committed; this relay hears its own too,
 * so its sockets get frames in the same order as everyone else's.
 * When the listening connection drops, notifications sent meanwhile are lost to this relay: its
 * hub is told (it closes its sockets, whose clients reconnect and resync from their last sequence
 * number) and the connection is made again, waiting longer after each failure.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { BusError, type Bus, type BusListener, type Delivery, type Notice } from './bus.ts';
import { decode, encode, isReference, type Payload, type Reference } from './payload.ts';

export const CHANNEL = 'threadline_bus';
const MAX_RETRY_MS = 5_000;
const HEARD_WITHIN_MS = 10_000;

export interface PostgresBusOptions {
  /** The message frame of a stored envelope, for a notification that names it instead of carrying it. */
  load(conversationId: string, seq: number): Promise<string | undefined>;
  log: Logger;
  /** The first wait before connecting again after a drop; it doubles up to 5 s (default 100 ms). */
  retryMs?: number;
  /** How long this relay may wait to hear its own publish before it takes its connection for dead (default 10 s). */
  heardWithinMs?: number;
}

/** Connects and listens; rejects with BusError when the database cannot be reached. */
export async function openPostgresBus(url: string, options: PostgresBusOptions): Promise<PostgresBus> {
  const bus = new PostgresBus(url, options);
  try {
    await bus.connect();
  } catch (error) {
    await bus.close();
    throw new BusError(`Threadline: failed to open the PostgreSQL bus: ${(error as Error).message}. Check the database URL and that PostgreSQL is running.`, { cause: error });
  }
  return bus;
}

export class PostgresBus implements Bus {
  /** Tells this relay's own notifications from the others'. */
  readonly node = randomBytes(9).toString('base64url');
  readonly #url: string;
  readonly #options: PostgresBusOptions;
  /** Publishes over one connection, so they commit in the order they were made. */
  readonly #publisher: pg.Pool;
  #client: pg.Client | undefined;
  #listener: BusListener | undefined;
  #published = 0;
  /** Publishes waiting for their own notification to come back. */
  readonly #heard = new Map<number, () => void>();
  /** Notifications are applied one after another, also when one has to be read from the store first. */
  #receiving: Promise<void> = Promise.resolve();
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(url: string, options: PostgresBusOptions) {
    this.#url = url;
    this.#options = options;
    this.#publisher = new pg.Pool({ connectionString: url, max: 1 });
    this.#publisher.on('error', (error) => options.log.warn({ err: error }, 'the bus lost its publishing connection'));
  }

  get ready(): boolean {
    return this.#client !== undefined;
  }

  listen(listener: BusListener): void {
    this.#listener = listener;
  }

  /** Opens the listening connection. */
  async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, keepAlive: true });
    client.on('error', () => this.#dropped(client));
    client.on('end', () => this.#dropped(client));
    client.on('notification', ({ payload }) => this.#receive(payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) return void (await client.end());
    this.#client = client;
  }

  async publish(delivery: Delivery): Promise<void> {
    const id = ++this.#published;
    // Without a listening connection this relay will not hear it: nothing to wait for.
    const heard = this.ready ? new Promise<void>((resolve) => this.#heard.set(id, resolve)) : Promise.resolve();
    try {
      await this.#publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, encode({ node: this.node, id, delivery })]);
    } catch (error) {
      this.#heard.delete(id);
      if (error instanceof BusError) throw error;
      throw new BusError(`Threadline: failed to publish a ${delivery.kind} delivery: ${(error as Error).message}. Other relays' sockets did not get it.`, { cause: error });
    }
    // A listening connection that no longer hears (half-open, with no error) is treated as dropped.
    const client = this.#client;
    const deaf = setTimeout(() => client && this.#dropped(client), this.#options.heardWithinMs ?? HEARD_WITHIN_MS);
    return heard.finally(() => clearTimeout(deaf));
  }

  notice(delivery: Delivery & { kind: 'conversation'; seq: number }): Notice {
    return { channel: CHANNEL, payload: encode({ node: this.node, delivery }) };
  }

  #receive(text: string): void {
    let payload: Payload;
    try {
      payload = decode(text);
    } catch (error) {
      return this.#options.log.error({ err: error }, 'a bus notification was dropped');
    }
    const { node, id, delivery } = payload;
    // Stored messages are read at once, several at a time; deliveries keep the notifications' order.
    const resolved = isReference(delivery) ? this.#load(delivery) : Promise.resolve(delivery);
    resolved.catch(() => undefined); // handled in order, below
    this.#receiving = this.#receiving
      .then(async () => {
        const ready = await resolved;
        if (ready) this.#listener?.deliver(ready);
      })
      .catch((error: unknown) => {
        // A message this relay's sockets should have had is not coming: they resync.
        this.#options.log.error({ err: error }, 'a bus delivery failed; the sockets resync');
        this.#listener?.missed();
      })
      .finally(() => {
        if (node !== this.node || id === undefined) return;
        this.#heard.get(id)?.();
        this.#heard.delete(id);
      });
  }

  async #load({ seq, ...rest }: Reference): Promise<Delivery | undefined> {
    const frame = await this.#options.load(rest.conversationId, seq);
    // Gone: the conversation expired between the commit and now.
    return frame === undefined ? undefined : { ...rest, seq, frame };
  }

  #dropped(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    for (const resolve of this.#heard.values()) resolve();
    this.#heard.clear();
    if (this.#closed) return;
    this.#options.log.warn('the bus lost its PostgreSQL connection; reconnecting');
    this.#listener?.missed();
    this.#reconnect(this.#options.retryMs ?? 100);
  }

  #reconnect(wait: number): void {
    this.#retry = setTimeout(() => {
      this.connect().then(
        () => {
          if (!this.#closed) this.#options.log.info('the bus reconnected');
        },
        () => this.#reconnect(Math.min(wait * 2, MAX_RETRY_MS)),
      );
    }, wait);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await Promise.allSettled([client?.end(), this.#publisher.end()]);
    await this.#receiving;
    for (const resolve of this.#heard.values()) resolve();
    this.#heard.clear();
  }
}
