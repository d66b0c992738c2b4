/**
 * Calls into the crypto worker: a typed proxy over postMessage. Each call carries an id; the worker
 * answers with the value or an error. Large byte arrays (attachments) are transferred, not copied.
 * Unlike a general RPC library it rejects every pending call when the worker dies, and it is small
 * enough to keep the widget and the worker inside their size budgets.
 */
export type Remote<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

interface Call {
  id: number;
  method: string;
  args: unknown[];
}
type Answer = { id: number; value: unknown } | { id: number; error: string };

const LARGE = 64 * 1024;
/** Buffers of large byte arrays among `values` (and their direct properties), to transfer. */
function transferables(values: unknown[]): ArrayBuffer[] {
  const found: ArrayBuffer[] = [];
  const visit = (value: unknown) => {
    if (value instanceof Uint8Array && value.byteLength >= LARGE && value.buffer instanceof ArrayBuffer) found.push(value.buffer);
  };
  for (const value of values) {
    visit(value);
    if (value && typeof value === 'object' && !(value instanceof Uint8Array)) Object.values(value).forEach(visit);
  }
  return found;
}

export function wrap<T>(worker: Worker): Remote<T> {
  let next = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  worker.onmessage = ({ data }: MessageEvent<Answer>) => {
    const call = pending.get(data.id);
    pending.delete(data.id);
    if ('error' in data) call?.reject(new Error(data.error));
    else call?.resolve(data.value);
  };
  worker.onerror = (event) => {
    for (const call of pending.values()) call.reject(new Error(`the crypto worker stopped (${event.message || 'failed to load'})`));
    pending.clear();
  };
  return new Proxy({} as Remote<T>, {
    get: (_, method) => (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, method: String(method), args } satisfies Call, transferables(args));
      }),
  });
}

/** In the worker: answers calls with the methods of `target`. */
export function expose(target: object): void {
  const scope = globalThis as unknown as { onmessage: ((event: MessageEvent<Call>) => void) | null; postMessage(message: Answer, transfer?: Transferable[]): void };
  scope.onmessage = async ({ data: { id, method, args } }) => {
    try {
      const fn = (target as Record<string, unknown>)[method];
      if (typeof fn !== 'function' || method.startsWith('#') || method === 'constructor') throw new Error(`no method '${method}'`);
      const value: unknown = await fn.apply(target, args);
      scope.postMessage({ id, value }, transferables([value]));
    } catch (error) {
      scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  };
}
