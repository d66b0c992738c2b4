import { useSignal } from '@preact/signals';
import type { AgentClient } from '@threadline/sdk/agent';

export function SignIn({ client }: { client: AgentClient }) {
  const busy = useSignal(false);
  const error = useSignal('');

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    busy.value = true;
    error.value = '';
    try {
      await client.signIn(String(form.get('email')), String(form.get('password')));
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form class="sign-in" onSubmit={submit}>
      <h1>Sign in to the inbox</h1>
      <label>
        Email
        <input name="email" type="email" autocomplete="username" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <button class="primary" type="submit" disabled={busy.value}>
        {busy.value ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
