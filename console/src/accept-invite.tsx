import type { AgentClient } from '@threadline/sdk/agent';
import { currentHash } from './hash.ts';
import { useSubmit } from './use-submit.ts';

/** An invited agent sets a password; it never leaves this browser (only a derived auth key does). */
export function AcceptInvite({ client, code }: { client: AgentClient; code: string }) {
  const { busy, error, submit } = useSubmit(async (form) => {
    const password = String(form.get('password'));
    if (password !== String(form.get('confirm'))) throw new Error('The two passwords differ.');
    await client.acceptInvite(code, password);
    // The inbox shows before signing in has finished: leave a page the agent opened meanwhile.
    if (currentHash().has('invite')) location.hash = '';
  });

  return (
    <main>
      <form class="sign-in" onSubmit={submit}>
        <h1>Join your team’s inbox</h1>
        <p>Choose a password. After you set it, an admin approves this device before it can read conversations.</p>
        <label>
          Password
          <input name="password" type="password" autocomplete="new-password" minLength={10} required />
        </label>
        <label>
          Repeat the password
          <input name="confirm" type="password" autocomplete="new-password" minLength={10} required />
        </label>
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy.value}>
          {busy.value ? 'Setting up…' : 'Set password and sign in'}
        </button>
      </form>
    </main>
  );
}
