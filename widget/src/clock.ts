/** A reactive controller that re-renders its host every half minute while it is shown, so "5 min ago" stays true. */
import type { Controller, ReactiveElement } from './element.ts';

export class Clock implements Controller {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveElement) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#timer = setInterval(() => this.host.hidden || this.host.requestUpdate(), 30_000);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }
}
