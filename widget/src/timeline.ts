/**
 * Times in the visitor's language, all through `Intl`: a separator for each day ("Today",
 * "Yesterday", a weekday within the week, then the date), each group's time ("now", "5 min ago"
 * within the hour, then the clock time), and which messages form a group.
 */
import type { ChatMessage } from '@threadline/sdk';

const MINUTE = 60_000;
/** Messages of one author closer than this (and on the same day) form one group. */
const GROUP = 5 * MINUTE;

/** Midnight before `at`, local time: messages on one day share it. */
export const dayOf = (at: number): number => new Date(at).setHours(0, 0, 0, 0);

/** Whether `message` continues the group of `previous`: same author and messenger, same day, a few minutes apart. */
export const continues = (previous: ChatMessage | undefined, message: ChatMessage | undefined): boolean =>
  !!previous && !!message && previous.from === message.from && previous.channel === message.channel && !previous.handoff && !message.handoff && message.at - previous.at < GROUP && dayOf(previous.at) === dayOf(message.at);

export interface Times {
  /** The clock time, e.g. "1:45 PM" (what screen readers hear for every message). */
  clock(at: number): string;
  date(at: number): string;
  /** A group's time: relative within the hour, then the clock time (the day is in its separator). */
  ago(at: number, now: number): string;
  /** A day separator's words. */
  day(at: number, now: number): string;
}

export function times(language: string): Times {
  const clock = new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit' });
  const weekday = new Intl.DateTimeFormat(language, { weekday: 'long' });
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'short' });
  return {
    clock: (at) => clock.format(at),
    date: (at) => date.format(at),
    ago(at, now) {
      const minutes = Math.floor((now - at) / MINUTE);
      return minutes < 1 ? relative.format(0, 'second') : minutes < 60 ? relative.format(-minutes, 'minute') : clock.format(at);
    },
    day(at, now) {
      const days = Math.round((dayOf(now) - dayOf(at)) / (1440 * MINUTE));
      return days < 2 ? relative.format(-days || 0, 'day') : days < 7 ? weekday.format(at) : date.format(at);
    },
  };
}
