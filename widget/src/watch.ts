/** A reactive controller that re-renders its host whenever the signals read by `read` change. */
import { effect } from '@preact/signals-core';
import type { Controller, ReactiveElement } from './element.ts';

export class SignalWatcher implements Controller {
  #dispose: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveElement,
    private readonly read: () => unknown,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#dispose = effect(() => {
      this.read();
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.#dispose?.();
  }
}
