/**
 * Tiny validators for untrusted JSON: each `Check<T>` returns a clean `T` (unknown fields dropped)
 * or throws `FrameError` naming the first bad field. Used at every edge, once.
 */
export class FrameError extends Error {
  constructor(readonly field: string) {
    super(`invalid or missing field '${field}'`);
  }
}

export type Check<T> = (value: unknown, path: string) => T;
export type Checked<C> = C extends Check<infer T> ? T : never;

export const fail = (path: string): never => {
  throw new FrameError(path);
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function pattern(regex: RegExp, max: number): Check<string> {
  return (value, path) => (typeof value === 'string' && value.length <= max && regex.test(value) ? value : fail(path));
}

/** A non-negative safe integer. */
export const count: Check<number> = (value, path) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail(path));

export function text(max: number): Check<string> {
  return (value, path) => (typeof value === 'string' && value.length <= max ? value : fail(path));
}

export function oneOf<T extends string | number>(...values: T[]): Check<T> {
  return (value, path) => (values.includes(value as T) ? (value as T) : fail(path));
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, path) => (value === undefined ? undefined : check(value, path));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, path) => (value === null ? null : check(value, path));
}

export function list<T>(check: Check<T>, max: number): Check<T[]> {
  return (value, path) => (Array.isArray(value) && value.length <= max ? value.map((item, i) => check(item, `${path}[${i}]`)) : fail(path));
}

type Shape = Record<string, Check<unknown>>;
type Optional<S extends Shape> = { [K in keyof S]: undefined extends Checked<S[K]> ? K : never }[keyof S];
export type Shaped<S extends Shape> = { [K in Exclude<keyof S, Optional<S>>]: Checked<S[K]> } & { [K in Optional<S>]?: Exclude<Checked<S[K]>, undefined> };

export function object<S extends Shape>(shape: S): Check<Shaped<S>> {
  return (value, path) => {
    if (!isObject(value)) return fail(path);
    const out: Record<string, unknown> = {};
    for (const key in shape) {
      const checked = shape[key]!(value[key], path ? `${path}.${key}` : key);
      if (checked !== undefined) out[key] = checked;
    }
    return out as Shaped<S>;
  };
}

/** Checks the fields of `shape` and keeps the value whole (for data a later edge parses in full). */
export function shallow<S extends Shape>(shape: S): Check<Shaped<S> & Record<string, unknown>> {
  const check = object(shape);
  return (value, path) => {
    check(value, path);
    return value as Shaped<S> & Record<string, unknown>;
  };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail('json');
  }
}
