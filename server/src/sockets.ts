/**
 * The relay's WebSocket endpoint. A socket authenticates with its first frame (`hello`), then sends
 * envelopes and asks for history. Every frame is parsed at the edge; a bad frame gets a typed
 * `error` frame and the socket — and the relay — carry on.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { FrameError, MAX_FRAME_BYTES, parseClientFrame, type ClientFrame, type Envelope, type ErrorCode, type RelayFrame } from '@threadline/sdk/protocol';
import { messageFrame, type Hub } from './hub.ts';
import { GroupCommit } from './group-commit.ts';
import type { Logger } from './log.ts';
import type { RelayMetrics } from './metrics.ts';
import { voice } from './responses.ts';
import { QuotaError, quotaMessage, type Quotas } from './quotas.ts';
import { GoneError, type Principal, type Storage } from './storage/index.ts';

export { UNAUTHORIZED_CLOSE } from './hub.ts';
import { UNAUTHORIZED_CLOSE } from './hub.ts';
/** "Try Again Later" (RFC 6455): a rate limit was hit; the client reconnects after a pause and resends. */
export const TRY_AGAIN_CLOSE = 1013;
/**
 * "Policy Violation" (RFC 6455): the page's origin may not use this site's chat. Not 4401: the token
 * is good, and a client hearing 4401 drops its conversation (the relay no longer knows it).
 */
export const POLICY_CLOSE = 1008;
const HELLO_TIMEOUT_MS = 10_000;
const SYNC_PAGE = 500;

/** Whether a stored envelope is an internal note (its JSON text was checked before it was stored). */
const forAgentsOnly = (body: string): boolean => (JSON.parse(body) as Envelope).audience === 'agents';

/** The relay's checks on who may use a socket and how fast. */
export interface SocketGuards {
  /** Why this principal may not use this socket (its page's origin), or undefined. */
  admit(principal: Principal, req: IncomingMessage): Promise<string | undefined> | string | undefined;
  /** Takes a token from a rate limit: 0, or the seconds to wait. */
  limit(kind: 'frames' | 'messages', key: string): number;
}

let connections = 0;

export function createSocketServer(store: Storage, hub: Hub, log: Logger, metrics: RelayMetrics, guards?: SocketGuards): WebSocketServer {
  // Frames up to twice the limit are read so an oversized one can be answered with a typed error.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 2 });
  const commits = new GroupCommit(store, log, metrics);
  /** Tells the agents where a conversation stands after a note (which leaves a closed one closed). */
  async function keptStatus(conversationId: string): Promise<void> {
    const found = await store.conversation(conversationId);
    if (!found?.status) return;
    const { site, ...summary } = found;
    await hub.toAgents(site, { type: 'conversation', conversation: summary });
  }
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    let principal: Principal | undefined;
    const connection = String(++connections);
    let throttled = false;
    /** Conversations whose storage quota refused a message on this socket. */
    const full = new Map<string, keyof Quotas>();
    const reply = (frame: RelayFrame | string): void => {
      if (socket.readyState === socket.OPEN) socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    };
    const fail = (code: ErrorCode, message: string, id?: string) => reply({ type: 'error', code, message, ...(id ? { id } : {}) });
    const helloTimer = setTimeout(() => socket.close(UNAUTHORIZED_CLOSE, 'no hello'), HELLO_TIMEOUT_MS);

    /**
     * Over a limit: a typed error, then nothing more is read from this socket and it is closed with
     * 1013, so the client reconnects later and resends its outbox in order. (Reading on could store a
     * later message before the refused one.)
     */
    const throttle = (action: string, reason: string, hint: string) => {
      throttled = true;
      fail('rate_limited', voice(action, reason, hint));
      socket.close(TRY_AGAIN_CLOSE, 'rate limited');
    };

    /**
     * Frames are handled one after another, each once the storage has answered the one before: a
     * socket's messages are stored, and its reads and syncs answered, in the order it sent them.
     */
    let previous: Promise<void> = Promise.resolve();
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      // A message's latency counts from here: waiting behind the socket's earlier frames is part of it.
      const arrived = performance.now();
      previous = previous
        .then(() => onFrame(data, isBinary, arrived))
        .catch((error: unknown) => log.error({ err: error }, 'a frame failed'));
    });

    async function onFrame(data: Buffer, isBinary: boolean, arrived: number): Promise<void> {
      if (throttled) return;
      // Signed-in agents are the business's staff; everyone else's frames are rate limited per connection.
      const wait = principal?.role === 'agent' ? 0 : (guards?.limit('frames', connection) ?? 0);
      if (wait) return throttle('read the frame', 'this connection sends too many frames', `Nothing was done; reconnect in ${wait} s.`);
      if (isBinary) return fail('bad_frame', voice('read the frame', 'binary frames are not part of the protocol', 'Send JSON text frames.'));
      if (data.length > MAX_FRAME_BYTES) {
        return fail('too_large', voice('read the frame', `it is over ${MAX_FRAME_BYTES} bytes`, 'Send large content as an attachment.'));
      }
      let frame: ClientFrame;
      try {
        frame = parseClientFrame(data.toString('utf8'));
      } catch (error) {
        const reason = error instanceof FrameError ? error.message : 'it could not be parsed';
        return fail('bad_frame', voice('read the frame', reason, 'Send frames as @threadline/sdk/protocol defines them.'));
      }
      try {
        if (frame.type === 'hello') {
          if (principal) return fail('bad_frame', voice('authenticate', 'this socket is already authenticated', 'Send hello once.'));
          const found = await store.principal(frame.token);
          if (!found) return socket.close(UNAUTHORIZED_CLOSE, 'unknown or expired token');
          const refused = await guards?.admit(found, req);
          if (refused) {
            fail('forbidden', refused);
            return socket.close(POLICY_CLOSE, 'origin not allowed');
          }
          // The socket may have closed while the storage answered: a closed socket never joins the hub.
          if (socket.readyState !== socket.OPEN) return;
          principal = found;
          clearTimeout(helloTimer);
          hub.add(principal, socket);
          return reply({ type: 'welcome', role: principal.role });
        }
        if (!principal) return fail('unauthorized', voice('handle the frame', 'the socket has not said hello', 'Send a hello frame with your token first.'));
        await handle(principal, frame, arrived);
      } catch (error) {
        if (store.open) log.error({ err: error, frame: frame.type }, 'a frame failed');
        fail('internal', voice('handle the frame', 'the relay hit an internal error', 'Retry; the message was not stored.'));
      }
    }
    socket.on('close', () => {
      clearTimeout(helloTimer);
      hub.remove(socket);
    });
    socket.on('error', () => socket.terminate());

    async function allowed(who: Principal, conversationId: string): Promise<{ site: string; expiresAt: number } | undefined> {
      const conversation = await store.route(conversationId);
      if (!conversation) return undefined;
      const mine = who.role === 'agent' ? conversation.site === who.site : conversationId === who.conversationId;
      return mine ? conversation : undefined;
    }

    async function handle(who: Principal, frame: Exclude<ClientFrame, { type: 'hello' }>, arrived: number): Promise<void> {
      if (who.role === 'agent' && !hub.isApproved(socket)) {
        return fail('forbidden', voice('use the conversations', 'this device is not approved (or was revoked)', 'Ask an admin to approve it in Devices & team.'));
      }
      const conversationId = frame.type === 'send' ? frame.envelope.conversationId : frame.conversationId;
      const conversation = await allowed(who, conversationId);
      if (!conversation) {
        return fail('forbidden', voice('use the conversation', `${conversationId} is not yours or does not exist`, 'Use a conversation id your session owns.'));
      }
      if (frame.type === 'sync') {
        let since = frame.since;
        for (;;) {
          const page = await store.storedSince(conversationId, since, SYNC_PAGE);
          // A visitor is never sent an internal note; `synced` still covers its number, so the
          // visitor's catching up has no hole and asks for nothing again.
          const shown = who.role === 'agent' ? page : page.filter((stored) => !forAgentsOnly(stored.body));
          for (const stored of shown) reply(messageFrame(stored));
          metrics.messagesSent.inc({ kind: 'sync' }, shown.length);
          since = page.at(-1)?.seq ?? since;
          if (page.length < SYNC_PAGE) break;
        }
        reply({ type: 'synced', conversationId, seq: since });
        const read = await store.readState(conversationId);
        for (const role of ['visitor', 'agent'] as const) if (read[role]) reply({ type: 'read', conversationId, role, seq: read[role] });
        return;
      }
      if (frame.type === 'typing') return void hub.toConversation(conversation.site, conversationId, { type: 'typing', conversationId, role: who.role }, socket);
      if (frame.type === 'read') {
        const seq = await store.markRead(conversationId, who.role, frame.seq);
        return void hub.toConversation(conversation.site, conversationId, { type: 'read', conversationId, role: who.role, seq }, socket);
      }
      const { envelope } = frame;
      metrics.messagesReceived.inc({ from: who.role });
      const wait = who.role === 'visitor' ? (guards?.limit('messages', who.conversationId) ?? 0) : 0;
      // No envelope id: the message stays in the sender's outbox and goes again after reconnecting.
      if (wait) return throttle('send the message', 'this conversation is sending too fast', `Nothing was stored; reconnect in ${wait} s and send it again.`);
      if (envelope.audience && who.role !== 'agent') {
        return fail('forbidden', voice('send the message', 'only agents write internal notes', 'Send it without an audience.'), envelope.id);
      }
      if (envelope.channel || envelope.sealed) {
        return fail('forbidden', voice('send the message', 'only the relay seals messenger messages', 'Send an end-to-end encrypted envelope.'), envelope.id);
      }
      if (envelope.from !== who.role || envelope.device !== who.deviceId) {
        return fail('forbidden', voice('send the message', `this session cannot send as ${envelope.from} device ${envelope.device}`, 'Send from your own role and registered device.'), envelope.id);
      }
      const over = full.get(conversationId);
      if (over) return fail('quota_exceeded', quotaMessage('send the message', store.quotas, over), envelope.id);
      if (envelope.expiresAt !== conversation.expiresAt) {
        return fail('bad_frame', voice('send the message', 'its expiry differs from the conversation’s', 'Use the expiry the relay gave the conversation.'), envelope.id);
      }
      // Acked and forwarded only once the batch it joins has committed; a note to the agents only.
      const agentsOnly = envelope.audience === 'agents';
      commits.append(envelope, (result) => {
        if (result instanceof GoneError) {
          return fail('gone', voice('send the message', 'the conversation no longer exists', 'Start a new conversation.'), envelope.id);
        }
        // The client keeps it in its outbox and sends it again on its next connection; this socket
        // refuses the conversation's later messages too, so none is stored before it.
        if (result instanceof QuotaError) {
          full.set(conversationId, result.which);
          return fail('quota_exceeded', quotaMessage('send the message', store.quotas, result.which), envelope.id);
        }
        if (result instanceof Error) {
          return fail('internal', voice('store the message', 'the relay could not commit it', 'Retry; the message was not stored.'), envelope.id);
        }
        reply({ type: 'ack', conversationId, id: envelope.id, seq: result.seq, at: result.at });
        metrics.ackSeconds.observe((performance.now() - arrived) / 1000);
        if (result.duplicate) return;
        void hub.stored(conversation.site, conversationId, result, socket, agentsOnly);
        // A note left a closed or snoozed conversation so (see `append`): the agents' lists hear it.
        if (agentsOnly) void keptStatus(conversationId).catch((error: unknown) => log.error({ err: error }, 'the conversation status failed'));
      }, hub.notice(conversation.site, conversationId, socket, agentsOnly));
    }
  });
  return wss;
}
