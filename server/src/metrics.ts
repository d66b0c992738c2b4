/**
 * The relay's metrics (prom-client), served in Prometheus's text format at `/metrics`
 * (metrics-endpoint.ts says who may read them). Each relay has its own registry, so several relays
 * can run in one process. Label values come from small closed sets — a role, a limit's kind, a
 * channel, a route class, a status — never a site, conversation, device or message id: a scrape
 * tells how the relay is doing, not who uses it.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Channel } from '@threadline/sdk/protocol';
import { DEFAULT_LIMITS, type Limits } from './rate-limit.ts';

/** Which part of the relay answered a request. */
export type RouteClass = 'health' | 'metrics' | 'socket' | 'visitor_api' | 'agent_api' | 'webhook' | 'frame' | 'other';

/** Why a webhook request was refused. */
export type WebhookRefusal = 'not_configured' | 'verify_token' | 'method' | 'too_large' | 'signature' | 'not_json';

export type SocketCounts = Record<'visitor' | 'agent' | 'unauthenticated', number>;

/** Seconds, from half a millisecond (an ack under light load) to the seconds of an overloaded relay. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: a one-envelope SQLite commit takes a fraction of a millisecond. */
const COMMIT_BUCKETS = [0.0001, 0.00025, ...LATENCY_BUCKETS];
/** Envelopes per commit: one under light load, up to the group commit's 4000 under overload. */
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 4000];

export class RelayMetrics {
  readonly registry = new Registry();
  readonly messagesReceived: Counter<'from'>;
  readonly messagesSent: Counter<'kind'>;
  readonly ackSeconds: Histogram;
  readonly commitSeconds: Histogram;
  readonly commitEnvelopes: Histogram;
  readonly webhooks: Counter<'channel' | 'outcome' | 'reason'>;
  readonly rateLimited: Counter<'kind'>;
  readonly httpRequests: Counter<'route' | 'status'>;

  /** `sockets` counts this relay's open sockets by role when the metrics are read. */
  constructor(sockets: () => SocketCounts) {
    const registers = [this.registry];
    new Gauge({
      name: 'threadline_sockets_open',
      help: 'WebSocket connections open on this relay, by role (unauthenticated: no hello yet).',
      labelNames: ['role'],
      registers,
      collect() {
        for (const [role, count] of Object.entries(sockets())) this.set({ role }, count);
      },
    });
    this.messagesReceived = new Counter({
      name: 'threadline_messages_received_total',
      help: 'Messages the relay was given to store: send frames from visitors and agents, messenger messages from webhooks.',
      labelNames: ['from'],
      registers,
    });
    this.messagesSent = new Counter({
      name: 'threadline_messages_sent_total',
      help: 'Message frames written to sockets: live deliveries, and history sent on sync.',
      labelNames: ['kind'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'threadline_message_ack_seconds',
      help: 'From a send frame arriving on a socket to its ack (the message committed), in seconds.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'threadline_store_commit_seconds',
      help: 'How long the store took to commit one group-commit batch of messages, in seconds.',
      buckets: COMMIT_BUCKETS,
      registers,
    });
    this.commitEnvelopes = new Histogram({
      name: 'threadline_store_commit_envelopes',
      help: 'Messages in one group-commit batch.',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.webhooks = new Counter({
      name: 'threadline_webhook_requests_total',
      help: 'Messenger webhook requests by outcome: verified (GET handshake), accepted, failed (a message could not be stored: 500, Meta retries), refused (with a reason).',
      labelNames: ['channel', 'outcome', 'reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'threadline_rate_limited_total',
      help: 'Requests, connections, frames and messages refused by a rate limit, by its kind.',
      labelNames: ['kind'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'threadline_http_requests_total',
      help: 'HTTP requests answered, by route class and status (socket: WebSocket upgrades, 101 when accepted; aborted: the connection closed first).',
      labelNames: ['route', 'status'],
      registers,
    });
    // Series that exist from the start read 0 instead of missing until their first event.
    for (const from of ['visitor', 'agent', 'channel']) this.messagesReceived.inc({ from }, 0);
    for (const kind of ['live', 'sync']) this.messagesSent.inc({ kind }, 0);
    for (const kind of Object.keys(DEFAULT_LIMITS)) this.rateLimited.inc({ kind }, 0);
  }

  /** Adds Node's process metrics (CPU, memory, event-loop lag, GC): once the metrics are served. */
  includeProcess(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  webhook(channel: Channel, outcome: 'verified' | 'accepted' | 'failed'): void;
  webhook(channel: Channel, outcome: 'refused', reason: WebhookRefusal): void;
  webhook(channel: Channel, outcome: string, reason = ''): void {
    this.webhooks.inc({ channel, outcome, reason });
  }

  limited(kind: keyof Limits): void {
    this.rateLimited.inc({ kind });
  }
}
