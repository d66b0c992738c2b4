/** The bus of a single relay: a delivery is handed to the hub at once, as it is published. */
import type { Bus, BusListener, Delivery } from './bus.ts';

export class LocalBus implements Bus {
  readonly ready = true;
  #listener: BusListener | undefined;

  listen(listener: BusListener): void {
    this.#listener = listener;
  }

  publish(delivery: Delivery): Promise<void> {
    this.#listener?.deliver(delivery);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.#listener = undefined;
  }
}
