import { useRef } from 'preact/hooks';

/**
 * The browser's file picker opened from a button styled like the console's others and reached with
 * Tab; the native control stays in the page, hidden, and still does the choosing.
 */
export function AttachButton({ disabled, onChange }: { disabled: boolean; onChange: (event: Event) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input ref={input} type="file" hidden aria-label="Attach a file" disabled={disabled} onChange={onChange} />
      <button type="button" class="attach" disabled={disabled} onClick={() => input.current?.click()}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
          <path d="M16.5 6.5 8.6 14.4a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.6-5.6l-8 8a6 6 0 0 0 8.5 8.5l6.4-6.4" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
        Attach a file
      </button>
    </>
  );
}
