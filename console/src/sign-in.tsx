import type { AgentClient } from '@threadline/sdk/agent';
import { useSubmit } from './use-submit.ts';

export function SignIn({ client }: { client: AgentClient }) {
  const { busy, error, submit } = useSubmit((form) => client.signIn(String(form.get('email')), String(form.get('password'))));
  // Why the last session ended, when it did not end by signing out (it expired, say).
  const problem = error.value || client.error.value?.message;

  return (
    <main>
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
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy.value}>
          {busy.value ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
