import { useSignal } from '@preact/signals';

/** A form's submit handler with its busy state and its error in words. */
export function useSubmit(run: (form: FormData) => Promise<void>) {
  const busy = useSignal(false);
  const error = useSignal('');
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    busy.value = true;
    error.value = '';
    try {
      await run(new FormData(event.currentTarget as HTMLFormElement));
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, submit };
}
