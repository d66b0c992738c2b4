/**
 * A console catching up its inbox: conversations open one at a time, the one on screen first. The
 * relay answers a socket's frames in order, so a console that asked to catch up every conversation
 * at once (a new device, a busy inbox) would hold its first reply behind every one of those answers.
 */
import type { RelayFrame } from './protocol.ts';
import type { Sync } from './sync.ts';

export class CatchUp {
  #waiting: string[] = [];
  #running = false;
  /** Ends the wait for the conversation being caught up: its `synced` came, or (no id) none will. */
  #caughtUp: (conversationId?: string) => void = () => {};
  /** The conversation on screen: it opens before the others waiting. */
  preferred: string | undefined;

  constructor(private readonly engine: Sync) {}

  open(conversationId: string): void {
    this.#waiting.push(conversationId);
    void this.#run().catch((error: unknown) => this.engine.report(error));
  }

  /** A conversation that ended: it does not open. */
  forget(conversationId: string): void {
    this.#waiting = this.#waiting.filter((id) => id !== conversationId);
    this.#caughtUp(conversationId);
  }

  /** Every frame the engine receives. */
  onFrame(frame: RelayFrame): void {
    if (frame.type === 'synced') this.#caughtUp(frame.conversationId);
    // A new connection resyncs every open conversation; a refused resync (say, of a conversation
    // deleted meanwhile) gets no answer: neither may hold up the others.
    else if (frame.type === 'welcome' || (frame.type === 'error' && !frame.id)) this.#caughtUp();
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#waiting.length) {
        const conversationId = this.#waiting.splice(Math.max(0, this.#waiting.indexOf(this.preferred!)), 1)[0]!;
        const caughtUp = new Promise<void>((done) => (this.#caughtUp = (id) => (id ?? conversationId) === conversationId && done()));
        // Offline, the sync is not sent: the welcome's resync covers it.
        if (await this.engine.open(conversationId)) await caughtUp;
      }
    } finally {
      this.#running = false;
    }
  }
}
