import { useEffect, useRef } from 'preact/hooks';
import { SHORTCUTS, type ShortcutKey } from './shortcuts.ts';

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Tab and Shift+Tab go round the dialog's controls: a modal `<dialog>` makes the page behind it
 * inert, but without this Tab would still leave it for the browser's own toolbar.
 */
function keepFocusInside(event: KeyboardEvent): void {
  if (event.key !== 'Tab') return;
  const controls = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(FOCUSABLE)];
  const [first, last] = [controls[0], controls.at(-1)];
  if (!first || !last) return;
  const edge = event.shiftKey ? first : last;
  if (document.activeElement === edge || !controls.includes(document.activeElement as HTMLElement)) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  }
}

/**
 * The list of shortcuts in a modal dialog: focus stays inside it (the page behind is inert),
 * Escape closes it, and focus returns where it was.
 */
export function ShortcutHelp({ open, close }: { open: boolean; close: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} class="shortcuts" aria-labelledby="shortcuts-title" onClose={close} onKeyDown={keepFocusInside}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <p class="meta">They work whenever you are not typing in a field.</p>
      <dl>
        {(Object.keys(SHORTCUTS) as ShortcutKey[]).map((key) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{SHORTCUTS[key]}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button class="primary" type="submit">
          Close
        </button>
      </form>
    </dialog>
  );
}
