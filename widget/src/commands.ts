/**
 * The script-tag API: `window.threadline(command, …args)`. The loader queues calls made before the
 * widget arrives; this module replays them and answers later calls directly. Events go to handlers
 * registered with `on` (which returns an unsubscribe function) until `off`.
 */
import type { ThreadlineChat } from './widget.ts';

export type ThreadlineEvent = 'ready' | 'open' | 'close' | 'message' | 'unread' | 'handoff';
type Handler = (detail?: unknown) => void;
type Queue = IArguments[] | unknown[][];
export interface BootOptions {
  site: string;
  relay?: string;
  orgKey?: string;
  channels?: string[];
}

const EVENTS: ThreadlineEvent[] = ['ready', 'open', 'close', 'message', 'unread', 'handoff'];
const handlers = new Map<ThreadlineEvent, Set<Handler>>();
let ready = false;

const error = (command: string, reason: string) => console.error(`Threadline: failed to run '${command}': ${reason}. See Threadline's README.`);

export function emit(event: ThreadlineEvent, detail?: unknown): void {
  if (event === 'ready') ready = true;
  for (const handler of handlers.get(event) ?? []) {
    try {
      handler(detail);
    } catch (failure) {
      console.error(`Threadline: an '${event}' handler threw`, failure);
    }
  }
}

const chat = () => document.querySelector('threadline-chat') as ThreadlineChat | null;

/** The relay the loader was served from (the default for `boot`). */
let defaultRelay: string | undefined;

function configure(element: ThreadlineChat, options: Partial<BootOptions>): void {
  if (options.site) element.site = options.site;
  if (options.relay ?? defaultRelay) element.relay = (options.relay ?? defaultRelay)!;
  if (options.orgKey) element.orgKey = options.orgKey;
  if (options.channels) element.channels = options.channels.join(',');
}

function run(command: unknown, args: unknown[]): unknown {
  const element = chat();
  switch (command) {
    case 'boot': {
      const options = args[0] as BootOptions | undefined;
      if (!options?.site) return error('boot', 'no site id was given');
      if (element) return configure(element, options);
      const created = document.createElement('threadline-chat') as ThreadlineChat;
      configure(created, options);
      document.body.append(created);
      return;
    }
    case 'update':
      return element ? configure(element, (args[0] ?? {}) as Partial<BootOptions>) : error('update', 'the chat is not booted');
    case 'shutdown':
      return element?.shutdown();
    case 'on': {
      const [event, handler] = args as [ThreadlineEvent, Handler];
      if (!EVENTS.includes(event) || typeof handler !== 'function') return error('on', `'${String(event)}' is not an event, or the handler not a function`);
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler);
      if (event === 'ready' && ready) queueMicrotask(() => handler());
      return () => set.delete(handler);
    }
    case 'off':
      return void handlers.get(args[0] as ThreadlineEvent)?.delete(args[1] as Handler);
  }
  if (!element) return error(String(command), 'the chat is not booted');
  switch (command) {
    case 'open':
      return void element.show();
    case 'close':
      return element.hide();
    case 'toggle':
      return void element.toggle();
    case 'show':
      return void (element.hidden = false);
    case 'hide':
      return void (element.hidden = true);
    case 'send':
      return typeof args[0] === 'string' ? element.send(args[0]).catch((failure: Error) => error('send', failure.message)) : error('send', 'the message is not text');
    case 'getUnreadCount':
      return element.unread;
    case 'setLocale':
      return void (element.locale = String(args[0]));
    default:
      return error(String(command), 'it is not a command');
  }
}

/** Replays the loader's queue, then answers calls directly. Idempotent. */
export function takeOverQueue(): void {
  const w = window as unknown as { threadline?: ((...args: unknown[]) => unknown) & { q?: Queue; r?: string; live?: boolean } };
  if (w.threadline?.live) return;
  const queued = w.threadline?.q ?? [];
  defaultRelay = w.threadline?.r;
  const api = Object.assign((command: unknown, ...args: unknown[]) => run(command, args), { live: true, q: [] as Queue });
  w.threadline = api;
  for (const call of queued) {
    const [command, ...args] = Array.from(call as ArrayLike<unknown>);
    run(command, args);
  }
}
