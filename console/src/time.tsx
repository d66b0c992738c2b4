import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { timeFormats } from './format.ts';

/** In the agent's own locale (the browser's). */
export const times = timeFormats();

/** A time as words, with the whole date as a tooltip and the machine-readable one for assistive tech. */
export const Time = ({ at, text }: { at: number; text: string }) => (
  <time dateTime={new Date(at).toISOString()} title={times.full(at)}>
    {text}
  </time>
);

/** Relative times ("5 min ago") move on by themselves: the caller re-renders once a minute. */
export function useNow(): number {
  const now = useSignal(Date.now());
  useEffect(() => {
    const timer = setInterval(() => (now.value = Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now.value;
}
