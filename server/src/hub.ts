/**
 * Who is connected to this relay: every socket with its principal, indexed by conversation
 * (visitors) and site (agents). What one socket does to others goes through the bus, which brings
 * it to the hub of every relay (this one's included): each hub applies it to its own sockets.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { RelayFrame } from '@threadline/sdk/protocol';
import type { Bus, Delivery, Notice } from './bus/index.ts';
import type { Logger } from './log.ts';
import type { RelayMetrics, SocketCounts } from './metrics.ts';
import type { Appended, Principal, StoredText } from './storage/index.ts';

/** Close code telling a client its device or session was revoked: it must not reconnect. */
export const REVOKED_CLOSE = 4403;
/** Close code telling a client its session token is unknown or expired: sign in again, then reconnect. */
export const UNAUTHORIZED_CLOSE = 4401;
/** "Service restart": the client should reconnect after a pause (the SDK does, with backoff). */
export const RESTART_CLOSE = 1012;

/** The `message` frame of a stored envelope, built from the JSON text stored rather than serialised again. */
export const messageFrame = ({ body, seq, at }: StoredText): string => `{"type":"message","envelope":${body.slice(0, -1)},"seq":${seq},"at":${at}}}`;

interface Entry {
  principal: Principal;
  /** Names the socket in a delivery that every socket but this one gets (unique across relays). */
  id: string;
}

export class Hub {
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #metrics: RelayMetrics;
  readonly #sockets = new Map<WebSocket, Entry>();
  readonly #visitors = new Map<string, Set<WebSocket>>();
  readonly #agents = new Map<string, Set<WebSocket>>();
  readonly #prefix = randomBytes(6).toString('base64url');
  #count = 0;

  constructor(bus: Bus, log: Logger, metrics: RelayMetrics) {
    this.#bus = bus;
    this.#log = log;
    this.#metrics = metrics;
    bus.listen({
      deliver: (delivery) => this.#deliver(delivery),
      // Frames may have been lost: clients reconnect and sync from their last sequence number.
      missed: () => this.closeAll(RESTART_CLOSE, 'relay resyncing'),
    });
  }

  /** Agents' sockets receive a site's messages only once their device is approved. */
  #group(principal: Principal): [Map<string, Set<WebSocket>>, string] | undefined {
    if (principal.role === 'visitor') return [this.#visitors, principal.conversationId];
    return principal.approved ? [this.#agents, principal.site] : undefined;
  }

  add(principal: Principal, socket: WebSocket): void {
    this.#sockets.set(socket, { principal, id: this.#sockets.get(socket)?.id ?? `${this.#prefix}.${++this.#count}` });
    const group = this.#group(principal);
    if (!group) return;
    const [map, key] = group;
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(socket);
  }

  remove(socket: WebSocket): void {
    const principal = this.#sockets.get(socket)?.principal;
    if (!principal) return;
    this.#sockets.delete(socket);
    const group = this.#group(principal);
    if (!group) return;
    const [map, key] = group;
    const set = map.get(key);
    set?.delete(socket);
    if (set?.size === 0) map.delete(key);
  }

  isApproved(socket: WebSocket): boolean {
    const principal = this.#sockets.get(socket)?.principal;
    return principal?.role === 'visitor' || (principal?.role === 'agent' && principal.approved);
  }

  /** Sockets on this relay. */
  get size(): number {
    return this.#sockets.size;
  }

  /** This relay's sockets that have said hello, by role (`unauthenticated` is the socket server's to count). */
  counts(): Omit<SocketCounts, 'unauthenticated'> {
    const counts = { visitor: 0, agent: 0 };
    for (const { principal } of this.#sockets.values()) counts[principal.role]++;
    return counts;
  }

  /** Whether deliveries reach every relay now. */
  get ready(): boolean {
    return this.#bus.ready;
  }

  toAgents(site: string, frame: RelayFrame, except?: WebSocket): Promise<void> {
    return this.#publish({ kind: 'agents', site, frame: JSON.stringify(frame), ...this.#except(except) });
  }

  /** Delivers a frame to everyone in a conversation: its visitor's sockets and the site's agents. */
  toConversation(site: string, conversationId: string, frame: RelayFrame, except?: WebSocket): Promise<void> {
    return this.#publish({ kind: 'conversation', site, conversationId, frame: JSON.stringify(frame), ...this.#except(except) });
  }

  /**
   * What a store sends, inside the transaction that stores a message, so that every relay hears a
   * conversation's messages in sequence order; undefined when `stored` publishes it instead.
   */
  notice(site: string, conversationId: string, except?: WebSocket, agentsOnly = false): ((stored: Appended) => Notice) | undefined {
    const notice = this.#bus.notice?.bind(this.#bus);
    if (!notice) return undefined;
    const sender = this.#except(except);
    return (stored) => notice({ kind: 'conversation', site, conversationId, frame: messageFrame(stored), seq: stored.seq, ...sender, ...(agentsOnly ? { agentsOnly } : {}) });
  }

  /** A message was stored (and its notice, if any, sent with it): delivers it to the conversation (a note: to its agents only). */
  stored(site: string, conversationId: string, stored: StoredText, except?: WebSocket, agentsOnly = false): Promise<void> {
    if (this.#bus.notice) return Promise.resolve();
    return this.#publish({ kind: 'conversation', site, conversationId, frame: messageFrame(stored), seq: stored.seq, ...this.#except(except), ...(agentsOnly ? { agentsOnly } : {}) });
  }

  /** Delivers a frame to every socket of a site, visitors included. */
  toSite(site: string, frame: RelayFrame): Promise<void> {
    return this.#publish({ kind: 'site', site, frame: JSON.stringify(frame) });
  }

  /** Closes the sockets of revoked devices. */
  closeDevices(deviceIds: string[]): Promise<void> {
    return deviceIds.length ? this.#publish({ kind: 'revoke', deviceIds }) : Promise.resolve();
  }

  /** A new directory approved these devices: their open sockets start receiving the site's messages. */
  approve(site: string, deviceIds: string[]): Promise<void> {
    return this.#publish({ kind: 'approve', site, deviceIds });
  }

  /** Closes the sockets of a deleted conversation. */
  closeConversation(conversationId: string): Promise<void> {
    return this.#publish({ kind: 'close', conversationId });
  }

  /** Closes this relay's agents' sockets whose session token has expired (4401: the console signs in again, then reconnects). */
  closeExpiredSessions(now: number): void {
    for (const [socket, { principal }] of this.#sockets) {
      if (principal.role === 'agent' && principal.expiresAt <= now) socket.close(UNAUTHORIZED_CLOSE, 'session expired');
    }
  }

  /** Closes this relay's sockets. */
  closeAll(code: number, reason: string): void {
    for (const socket of this.#sockets.keys()) socket.close(code, reason);
  }

  #except(socket: WebSocket | undefined): { except?: string } {
    const id = socket && this.#sockets.get(socket)?.id;
    return id ? { except: id } : {};
  }

  /** Resolves once this relay's sockets have it; a failure is logged (the frame did not reach other relays). */
  #publish(delivery: Delivery): Promise<void> {
    return this.#bus.publish(delivery).catch((error: unknown) => this.#log.error({ err: error, kind: delivery.kind }, 'a delivery failed'));
  }

  #deliver(delivery: Delivery): void {
    switch (delivery.kind) {
      case 'conversation': {
        const sent =
          (delivery.agentsOnly ? 0 : send(this.#visitors.get(delivery.conversationId), delivery.frame, this.#sockets, delivery.except)) +
          send(this.#agents.get(delivery.site), delivery.frame, this.#sockets, delivery.except);
        // A stored message carries its sequence number; typing and read receipts do not.
        if (delivery.seq !== undefined) this.#metrics.messagesSent.inc({ kind: 'live' }, sent);
        return;
      }
      case 'agents':
        send(this.#agents.get(delivery.site), delivery.frame, this.#sockets, delivery.except);
        return;
      case 'site':
        for (const [socket, { principal }] of this.#sockets) if (principal.site === delivery.site) send(new Set([socket]), delivery.frame);
        return;
      case 'revoke':
        for (const [socket, { principal }] of this.#sockets) {
          if (principal.deviceId && delivery.deviceIds.includes(principal.deviceId)) socket.close(REVOKED_CLOSE, 'device revoked');
        }
        return;
      case 'approve':
        for (const [socket, { principal }] of this.#sockets) {
          if (principal.role === 'agent' && principal.site === delivery.site && !principal.approved && principal.deviceId && delivery.deviceIds.includes(principal.deviceId)) {
            this.add({ ...principal, approved: true }, socket);
          }
        }
        return;
      case 'close':
        for (const socket of this.#visitors.get(delivery.conversationId) ?? []) socket.close(REVOKED_CLOSE, 'conversation expired');
    }
  }
}

/** Sends `text` to each open socket but the one named `except`; returns to how many. */
function send(sockets: Set<WebSocket> | undefined, text: string, entries?: Map<WebSocket, Entry>, except?: string): number {
  let sent = 0;
  for (const socket of sockets ?? []) {
    if (socket.readyState === socket.OPEN && (except === undefined || entries?.get(socket)?.id !== except)) {
      socket.send(text);
      sent++;
    }
  }
  return sent;
}
