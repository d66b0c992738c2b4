/**
 * Counts and times as an agent reads them: "1 message", "5 min ago", "yesterday", with the full
 * date kept for a tooltip and for screen readers (`<time datetime title>`). The console's words are
 * English, so plurals follow English rules; dates and times follow the agent's own locale.
 */

const plural = new Intl.PluralRules('en');

/** `count(1, 'message')` → "1 message"; `count(3, 'message')` → "3 messages". */
export const count = (n: number, one: string, other = `${one}s`): string => `${n} ${plural.select(n) === 'one' ? one : other}`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Midnight of the day `at` falls on, in local time: "yesterday" is a calendar day, not 24 hours. */
const startOfDay = (at: number) => new Date(at).setHours(0, 0, 0, 0);
const calendarDays = (from: number, to: number) => Math.round((startOfDay(to) - startOfDay(from)) / DAY);

export interface TimeFormats {
  /** "5 min ago", "in 3 days", "yesterday"; a date once it is more than a week away. */
  relative(at: number, now?: number): string;
  /** When something will happen, to follow a verb: "in 3 days", "tomorrow", "on 14 Oct". */
  until(at: number, now?: number): string;
  /** A message's time: the time of day today, the weekday and time this week, else the date and time. */
  stamp(at: number, now?: number): string;
  /** The whole date and time, for `title`. */
  full(at: number): string;
}

export function timeFormats(locale?: string): TimeFormats {
  const words = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' });
  const dateWithYear = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const weekdayTime = new Intl.DateTimeFormat(locale, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });
  const whole = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' });
  const sameYear = (a: number, b: number) => new Date(a).getFullYear() === new Date(b).getFullYear();

  const relative = (at: number, now = Date.now()): string => {
    const ms = at - now;
    const away = Math.abs(ms);
    if (away < MINUTE) return words.format(0, 'second'); // "now"
    if (away < HOUR) return words.format(Math.trunc(ms / MINUTE), 'minute');
    const days = calendarDays(now, at);
    if (days === 0) return words.format(Math.trunc(ms / HOUR), 'hour');
    if (Math.abs(days) <= 7) return words.format(days, 'day');
    return (sameYear(at, now) ? date : dateWithYear).format(at);
  };

  return {
    relative,
    until(at, now = Date.now()) {
      const text = relative(at, now);
      return Math.abs(calendarDays(now, at)) > 7 ? `on ${text}` : text;
    },
    stamp(at, now = Date.now()) {
      const days = calendarDays(at, now);
      if (days === 0) return time.format(at);
      if (days > 0 && days < 7) return weekdayTime.format(at);
      return sameYear(at, now) ? dateTime.format(at) : whole.format(at);
    },
    full: (at) => whole.format(at),
  };
}

const units = (['day', 'hour', 'minute', 'second'] as const).map((unit) => new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'narrow' }));

/** A length of time in its two largest units: "45s", "12m", "3h 5m", "2d 4h". */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts = [Math.floor(seconds / 86_400), Math.floor(seconds / 3600) % 24, Math.floor(seconds / 60) % 60, seconds % 60];
  const first = parts.findIndex((part) => part > 0);
  if (first === -1) return units[3]!.format(0);
  return parts
    .slice(first, first + 2)
    .map((part, i) => (part || i === 0 ? units[first + i]!.format(part) : ''))
    .filter(Boolean)
    .join(' ');
}
