import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { AgentClient } from '@threadline/sdk/agent';

/**
 * Whether the site's own pages receive message text in their `message` events. Off by default: the
 * chat runs in its own frame so that a script on the business's page (an analytics tag, an XSS)
 * cannot read conversations; turning this on gives every script on those pages the text.
 */
export function ShareText({ client }: { client: AgentClient }) {
  const on = useSignal<boolean | null>(null);
  const status = useSignal('');
  useEffect(() => void client.shareText().then((loaded) => (on.value = loaded), (error: Error) => (status.value = error.message)), [client]);
  if (on.value === null) return <p>{status.value || 'Loading…'}</p>;
  const change = (event: Event) => {
    const wanted = (event.currentTarget as HTMLInputElement).checked;
    const before = on.value;
    // Shown at once (a re-render while saving keeps the click), put back if the relay refuses it.
    on.value = wanted;
    status.value = '';
    client.setShareText(wanted).then(
      (saved) => ((on.value = saved), (status.value = 'Saved.')),
      (error: Error) => ((on.value = before), (status.value = error.message)),
    );
  };
  return (
    <div>
      <label>
        <input type="checkbox" checked={on.value} disabled={client.agent.value?.role !== 'admin'} onChange={change} /> Share message text with my pages
      </label>
      <p>{on.value ? 'Scripts on your pages receive the text of every message in `message` events.' : 'Your pages learn that a message arrived (who, when), never what it says.'}</p>
      <p role="status">{status.value}</p>
    </div>
  );
}
