/** Who is connected: visitor sockets by conversation, agent sockets by site. */
import type { WebSocket } from 'ws';
import type { RelayFrame } from '@threadline/sdk/protocol';
import type { Principal } from './store.ts';

export class Hub {
  readonly #visitors = new Map<string, Set<WebSocket>>();
  readonly #agents = new Map<string, Set<WebSocket>>();

  #group(principal: Principal): [Map<string, Set<WebSocket>>, string] {
    return principal.role === 'agent' ? [this.#agents, principal.site] : [this.#visitors, principal.conversationId];
  }

  add(principal: Principal, socket: WebSocket): void {
    const [map, key] = this.#group(principal);
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(socket);
  }

  remove(principal: Principal, socket: WebSocket): void {
    const [map, key] = this.#group(principal);
    const set = map.get(key);
    set?.delete(socket);
    if (set?.size === 0) map.delete(key);
  }

  get size(): number {
    let count = 0;
    for (const map of [this.#visitors, this.#agents]) for (const set of map.values()) count += set.size;
    return count;
  }

  toAgents(site: string, frame: RelayFrame, except?: WebSocket): void {
    send(this.#agents.get(site), JSON.stringify(frame), except);
  }

  /** Delivers a frame to everyone in a conversation: its visitor's sockets and the site's agents. */
  toConversation(site: string, conversationId: string, frame: RelayFrame, except?: WebSocket): void {
    const text = JSON.stringify(frame);
    send(this.#visitors.get(conversationId), text, except);
    send(this.#agents.get(site), text, except);
  }

  closeAll(code: number, reason: string): void {
    for (const map of [this.#visitors, this.#agents]) for (const set of map.values()) for (const socket of set) socket.close(code, reason);
  }
}

function send(sockets: Set<WebSocket> | undefined, text: string, except?: WebSocket): void {
  if (!sockets) return;
  for (const socket of sockets) if (socket !== except && socket.readyState === socket.OPEN) socket.send(text);
}
