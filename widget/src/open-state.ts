/**
 * Whether the panel is open in this tab, kept in the frame's own session storage so that a reload
 * reopens it (the frame tells the host page in its first state message).
 */
const OPEN_KEY = 'threadline-open';

/**
 * The frame's session storage, or undefined where the browser refuses storage to third-party
 * frames (Chrome with third-party cookies blocked, Safari, Brave): the chat still runs then.
 */
function session(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
}

export const wasOpen = (): boolean => !!session()?.getItem(OPEN_KEY);

export function rememberOpen(open: boolean): void {
  if (open) session()?.setItem(OPEN_KEY, '1');
  else session()?.removeItem(OPEN_KEY);
}
