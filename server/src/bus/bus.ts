/**
 * The bus carries what one relay does to the sockets of every relay: a frame for a conversation,
 * a site's agents or a whole site, a revoked device or an expired conversation to cut off, devices
 * a new directory approves. Each relay's hub applies the deliveries to its own sockets.
 * One relay: local.ts, in-process. Several relays on one PostgreSQL: postgres.ts, LISTEN/NOTIFY.
 */

export type Delivery =
  /**
   * A frame (serialised) for a conversation's visitor and its site's agents. A stored message carries
   * its `seq`, so a bus that cannot carry the frame itself can name the stored envelope instead.
   * An internal note goes to the agents only.
   */
  | { kind: 'conversation'; site: string; conversationId: string; frame: string; seq?: number; except?: string; agentsOnly?: true }
  | { kind: 'agents'; site: string; frame: string; except?: string }
  /** Every socket of a site, visitors included. */
  | { kind: 'site'; site: string; frame: string }
  /** Devices revoked: their sockets are closed for good. */
  | { kind: 'revoke'; deviceIds: string[] }
  /** Devices a new directory lists: their open sockets start receiving the site's messages. */
  | { kind: 'approve'; site: string; deviceIds: string[] }
  /** A conversation deleted by the retention sweep: its visitor's sockets are closed. */
  | { kind: 'close'; conversationId: string };

/** What a hub does with the bus's deliveries. */
export interface BusListener {
  deliver(delivery: Delivery): void;
  /** Deliveries may have been lost (the bus's connection dropped): the sockets must resync. */
  missed(): void;
}

/** A notification a store sends inside the transaction that stores an envelope. */
export interface Notice {
  channel: string;
  payload: string;
}

export interface Bus {
  /** Whether deliveries published now reach every relay (false while a dropped connection is restored). */
  readonly ready: boolean;
  /** Delivers to every relay's hub, this one's included; resolves once this relay's hub has it. */
  publish(delivery: Delivery): Promise<void>;
  /**
   * A shared bus tells other relays of a stored message inside the storing transaction: they then
   * hear a conversation's messages in commit order, which is their sequence order. Undefined when
   * stored messages are simply published after the commit (one relay).
   */
  notice?(delivery: Delivery & { kind: 'conversation'; seq: number }): Notice;
  /** The hub that receives the deliveries (one per bus). */
  listen(listener: BusListener): void;
  close(): Promise<void>;
}

/** The bus could not carry a delivery or reach its database. */
export class BusError extends Error {
  readonly code = 'bus';
}
