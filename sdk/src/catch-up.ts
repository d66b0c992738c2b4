/**
 * A console catching up its inbox. Each conversation's stored history shows at once; the relay is
 * asked for what came after it one conversation at a time, the one on screen first. The relay
 * answers a socket's frames in order, so a console that asked for a busy inbox all at once would
 * hold its first reply behind every one of those answers.
 */
import type { RelayFrame } from './protocol.ts';
import type { Sync } from './sync.ts';

/** How long one resync may go unanswered before the next is asked anyway (a relay may withhold it). */
const PATIENCE_MS = 10_000;

export class CatchUp {
  #waiting: string[] = [];
  #running = false;
  /** Ends the wait for the conversation being caught up: its `synced` came, or (no id) none will. */
  #caughtUp: (conversationId?: string) => void = () => {};
  /** The conversation on screen: it is asked for before the others waiting. */
  preferred: string | undefined;

  constructor(private readonly engine: Sync) {}

  open(conversationId: string): void {
    this.engine.open(conversationId, true).then(
      () => {
        this.#waiting.push(conversationId);
        void this.#run();
      },
      (error: unknown) => this.engine.report(error),
    );
  }

  /** A conversation that ended: it is not asked for. */
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
    while (this.#waiting.length) {
      const conversationId = this.#waiting.splice(Math.max(0, this.#waiting.indexOf(this.preferred!)), 1)[0]!;
      let patience: ReturnType<typeof setTimeout> | undefined;
      const caughtUp = new Promise<void>((done) => {
        this.#caughtUp = (id) => (id ?? conversationId) === conversationId && done();
        patience = setTimeout(done, PATIENCE_MS);
      });
      if (this.engine.resync(conversationId)) await caughtUp;
      clearTimeout(patience);
    }
    this.#running = false;
  }
}
