import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { AgentClient } from '@threadline/sdk/agent';
import { useSubmit } from './use-submit.ts';

/** The websites whose pages may use the chat, one origin a line; the relay refuses every other page. */
export function AllowedOrigins({ client }: { client: AgentClient }) {
  const origins = useSignal<string[] | null>(null);
  const saved = useSignal('');
  const admin = client.agent.value?.role === 'admin';
  useEffect(() => void client.origins().then((loaded) => (origins.value = loaded), (error: Error) => (saved.value = error.message)), [client]);
  const { busy, error, submit } = useSubmit(async (form) => {
    const lines = String(form.get('origins') ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    origins.value = await client.setOrigins(lines);
    saved.value = 'Saved.';
  });
  if (!origins.value) return <p>{saved.value || 'Loading…'}</p>;
  return (
    <form class="inline" onSubmit={submit}>
      <label>
        Allowed origins (one a line, like https://shop.example)
        <textarea name="origins" rows={4} readOnly={!admin} defaultValue={origins.value.join('\n')} onInput={() => (saved.value = '')} />
      </label>
      <p>{origins.value.length ? 'Only pages on these origins can open the chat.' : 'Empty: pages on any website can open your chat. List your sites to refuse the others.'}</p>
      {admin ? (
        <button class="primary" type="submit" disabled={busy.value}>
          Save origins
        </button>
      ) : (
        <p class="notice">Only an admin of your team can change the allowed websites.</p>
      )}
      <p role="status">{error.value || saved.value}</p>
    </form>
  );
}
