import type { IncomingMessage } from 'node:http';

/**
 * Token buckets per key (an IP address, a session): `capacity` requests at once, refilled at
 * `perMinute`. Buckets that have refilled are forgotten, so memory follows active clients only.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  /** Buckets are swept past this many, and the next sweep waits until twice as many remain: O(1) a take on average. */
  #sweepAt = 10_000;

  constructor(
    private readonly capacity: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a token is there to take (without taking it): for limits that count only failures. */
  available(key: string): boolean {
    const bucket = this.#buckets.get(key);
    return !bucket || bucket.tokens + ((this.now() - bucket.at) / 60_000) * this.perMinute >= 1;
  }

  /** Takes a token; returns 0, or the seconds to wait when the bucket is empty. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.capacity, at: now };
    const tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return Math.ceil(((1 - tokens) * 60) / this.perMinute);
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > this.#sweepAt) {
      this.#forgetFull(now);
      this.#sweepAt = Math.max(10_000, 2 * this.#buckets.size);
    }
    return 0;
  }

  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute >= this.capacity) this.#buckets.delete(key);
    }
  }
}

/** A bucket's size and refill rate. */
export interface Rate {
  capacity: number;
  perMinute: number;
}

/**
 * What anyone can do without an agent's sign-in, per key. Generous for people, finite for scripts:
 * a person types a few messages a minute; one-time prekeys, disk and sockets are finite.
 */
export const DEFAULT_LIMITS = {
  /** Any visitor HTTP request (site config, registration, bundles, handoffs, attachments), per IP address. */
  requests: { capacity: 600, perMinute: 1200 },
  /** Agents' sign-in attempts (each costs a scrypt), per IP address. */
  signIns: { capacity: 20, perMinute: 10 },
  /** New visitors (conversations), per IP address. */
  visitors: { capacity: 60, perMinute: 60 },
  /** Prekey bundles, per session. */
  bundles: { capacity: 60, perMinute: 60 },
  /** Attachment uploads, per conversation. */
  blobs: { capacity: 30, perMinute: 30 },
  /** Messenger handoff references, per conversation. */
  handoffs: { capacity: 20, perMinute: 20 },
  /** Handoff codes that matched nothing, per customer's messenger identity: past it, codes are ignored. */
  handoffMisses: { capacity: 5, perMinute: 1 },
  /** WebSocket connections, per IP address. */
  connections: { capacity: 600, perMinute: 1200 },
  /** Frames on one socket before it has said hello, and on a visitor's socket. */
  frames: { capacity: 600, perMinute: 6000 },
  /** Messages a visitor sends, per conversation (across its tabs and sockets). */
  messages: { capacity: 300, perMinute: 1800 },
} satisfies Record<string, Rate>;

export type Limits = Record<keyof typeof DEFAULT_LIMITS, Rate>;

/**
 * One limiter per kind: `take` answers 0 or the seconds to wait. `address` is the key for limits
 * per address: the peer's, or — behind a reverse proxy the relay is told to trust — the address
 * that proxy appended to `X-Forwarded-For` (the last entry; earlier ones are the client's to forge).
 * `limited` hears of every refusal (the relay counts them in its metrics).
 */
export function createLimiters(overrides: Partial<Limits> = {}, trustProxy = false, now: () => number = Date.now, limited: (kind: keyof Limits) => void = () => {}) {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  const limiters = Object.fromEntries(Object.entries(limits).map(([kind, rate]) => [kind, new RateLimiter(rate.capacity, rate.perMinute, now)])) as Record<keyof Limits, RateLimiter>;
  return {
    take(kind: keyof Limits, key: string): number {
      const wait = limiters[kind].take(key);
      if (wait) limited(kind);
      return wait;
    },
    available(kind: keyof Limits, key: string): boolean {
      const available = limiters[kind].available(key);
      if (!available) limited(kind);
      return available;
    },
    address(req: IncomingMessage): string {
      const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').at(-1)?.trim() : undefined;
      return forwarded || req.socket.remoteAddress || '?';
    },
  };
}
export type Limiter = ReturnType<typeof createLimiters>;
