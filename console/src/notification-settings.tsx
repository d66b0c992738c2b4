import { askPermission, dismiss, dismissed, permission, setSound, sound } from './notifier.ts';

/**
 * The offer to turn on desktop notifications, shown in the inbox until the agent answers it: the
 * browser's permission prompt appears only after this button is pressed, never on load.
 */
export function NotificationOffer() {
  if (permission.value === 'unsupported' || permission.value === 'granted' || dismissed.value) return null;
  if (permission.value === 'denied') {
    return (
      <div class="banner offer" role="status">
        <span>Desktop notifications are blocked for the console. Allow them in this site’s settings in your browser to hear about new messages while you work elsewhere.</span>
        <button type="button" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  return (
    <div class="banner offer" role="region" aria-label="Desktop notifications">
      <span>Get a desktop notification when a customer writes while you are in another conversation or another tab.</span>
      <button type="button" class="primary" onClick={() => void askPermission()}>
        Turn on desktop notifications
      </button>
      <button type="button" onClick={dismiss}>
        Not now
      </button>
    </div>
  );
}

/** The sound setting, in the header; kept in this browser. */
export function SoundToggle() {
  return (
    <label class="status sound">
      <input type="checkbox" checked={sound.value} onChange={(event) => setSound(event.currentTarget.checked)} /> Sound for new messages
    </label>
  );
}
