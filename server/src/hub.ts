/** Who is connected: every socket with its principal, indexed by conversation (visitors) and site (agents). */
import type { WebSocket } from 'ws';
import type { RelayFrame } from '@threadline/sdk/protocol';
import type { Principal } from './storage/index.ts';

/** Close code telling a client its device or session was revoked: it must not reconnect. */
export const REVOKED_CLOSE = 4403;
/** Close code telling a client its session token is unknown or expired: sign in again, then reconnect. */
export const UNAUTHORIZED_CLOSE = 4401;

export class Hub {
  readonly #principals = new Map<WebSocket, Principal>();
  readonly #visitors = new Map<string, Set<WebSocket>>();
  readonly #agents = new Map<string, Set<WebSocket>>();

  /** Agents' sockets receive a site's messages only once their device is approved. */
  #group(principal: Principal): [Map<string, Set<WebSocket>>, string] | undefined {
    if (principal.role === 'visitor') return [this.#visitors, principal.conversationId];
    return principal.approved ? [this.#agents, principal.site] : undefined;
  }

  add(principal: Principal, socket: WebSocket): void {
    this.#principals.set(socket, principal);
    const group = this.#group(principal);
    if (!group) return;
    const [map, key] = group;
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(socket);
  }

  /** A new directory approved these devices: their open sockets start receiving the site's messages. */
  approve(site: string, deviceIds: string[]): void {
    for (const [socket, principal] of this.#principals) {
      if (principal.role === 'agent' && principal.site === site && !principal.approved && principal.deviceId && deviceIds.includes(principal.deviceId)) {
        this.add({ ...principal, approved: true }, socket);
      }
    }
  }

  remove(socket: WebSocket): void {
    const principal = this.#principals.get(socket);
    if (!principal) return;
    this.#principals.delete(socket);
    const group = this.#group(principal);
    if (!group) return;
    const [map, key] = group;
    const set = map.get(key);
    set?.delete(socket);
    if (set?.size === 0) map.delete(key);
  }

  isApproved(socket: WebSocket): boolean {
    const principal = this.#principals.get(socket);
    return principal?.role === 'visitor' || (principal?.role === 'agent' && principal.approved);
  }

  get size(): number {
    return this.#principals.size;
  }

  /** Delivers a frame to the site's agents only (a string is a frame already serialised). */
  toAgents(site: string, frame: RelayFrame | string, except?: WebSocket): void {
    send(this.#agents.get(site), typeof frame === 'string' ? frame : JSON.stringify(frame), except);
  }

  /**
   * Delivers a frame to everyone in a conversation: its visitor's sockets and the site's agents.
   * The frame is serialised once for all of them; a string is a frame already serialised.
   */
  toConversation(site: string, conversationId: string, frame: RelayFrame | string, except?: WebSocket): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    send(this.#visitors.get(conversationId), text, except);
    send(this.#agents.get(site), text, except);
  }

  /** Delivers a frame to every socket of a site, visitors included. */
  toSite(site: string, frame: RelayFrame): void {
    const text = JSON.stringify(frame);
    for (const [socket, principal] of this.#principals) if (principal.site === site) send(new Set([socket]), text);
  }

  /** Closes the sockets of revoked devices. */
  closeDevices(deviceIds: string[]): void {
    for (const [socket, principal] of this.#principals) {
      if (principal.deviceId && deviceIds.includes(principal.deviceId)) socket.close(REVOKED_CLOSE, 'device revoked');
    }
  }

  /** Closes agents' sockets whose session token has expired (4401: the console signs in again, then reconnects). */
  closeExpiredSessions(now: number): void {
    for (const [socket, principal] of this.#principals) {
      if (principal.role === 'agent' && principal.expiresAt <= now) socket.close(UNAUTHORIZED_CLOSE, 'session expired');
    }
  }

  /** Closes the sockets of a deleted conversation. */
  closeConversation(conversationId: string): void {
    for (const socket of this.#visitors.get(conversationId) ?? []) socket.close(REVOKED_CLOSE, 'conversation expired');
  }

  closeAll(code: number, reason: string): void {
    for (const socket of this.#principals.keys()) socket.close(code, reason);
  }
}

function send(sockets: Set<WebSocket> | undefined, text: string, except?: WebSocket): void {
  if (!sockets) return;
  for (const socket of sockets) if (socket !== except && socket.readyState === socket.OPEN) socket.send(text);
}
