/**
 * Whether replies ring (off unless the visitor turns it on in the panel), kept in the frame's own
 * storage: the host page can neither read nor set it. Without storage (third-party storage blocked)
 * it lasts as long as the frame.
 */
const KEY = 'threadline-sound';
let kept = false;

function storage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

export const soundOn = (): boolean => storage()?.getItem(KEY) === '1' || kept;

export function setSound(on: boolean): void {
  kept = on;
  if (on) storage()?.setItem(KEY, '1');
  else storage()?.removeItem(KEY);
}
