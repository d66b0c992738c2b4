import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { AgentClient, ChannelSettings } from '@threadline/sdk/agent';

const FIELDS = [
  { channel: 'whatsapp', name: 'WhatsApp', public: ['phone', 'Phone number (international, digits only)'], account: 'Phone number ID' },
  { channel: 'messenger', name: 'Messenger', public: ['page', 'Page username (m.me/…)'], account: 'Page ID' },
  { channel: 'instagram', name: 'Instagram', public: ['username', 'Instagram username (ig.me/m/…)'], account: 'Instagram account ID' },
] as const;

/** Where visitors can continue the conversation; a channel left empty is not offered. */
export function Channels({ client }: { client: AgentClient }) {
  const settings = useSignal<ChannelSettings | null>(null);
  const status = useSignal('');
  const admin = client.agent.value?.role === 'admin';
  useEffect(() => void client.channels().then((loaded) => (settings.value = loaded), (error: Error) => (status.value = error.message)), [client]);
  if (!settings.value) return <main class="page">{status.value || 'Loading…'}</main>;

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const next: Record<string, Record<string, string>> = {};
    for (const field of FIELDS) {
      const shown = String(form.get(`${field.channel}.${field.public[0]}`) ?? '').trim();
      const account = String(form.get(`${field.channel}.account`) ?? '').trim();
      if (shown && account) next[field.channel] = { [field.public[0]]: shown, account };
    }
    try {
      await client.setChannels(next as ChannelSettings);
      settings.value = next as ChannelSettings;
      status.value = 'Saved.';
    } catch (error) {
      status.value = error instanceof Error ? error.message : String(error);
    }
  }

  return (
    <main class="page">
      <h1>Messengers</h1>
      <p>Visitors can continue a conversation on these; the thread stays one. Access tokens and the app secret are set on the relay, not here.</p>
      {!admin && <p class="notice">Only an admin of your team can change the messengers.</p>}
      <form class="inline" onSubmit={save}>
        {FIELDS.map((field) => {
          const current = settings.value![field.channel] as Record<string, string> | undefined;
          return (
            <fieldset key={field.channel} disabled={!admin}>
              <legend>{field.name}</legend>
              <label>
                {field.public[1]} <input name={`${field.channel}.${field.public[0]}`} defaultValue={current?.[field.public[0]] ?? ''} />
              </label>
              <label>
                {field.account} <input name={`${field.channel}.account`} inputMode="numeric" defaultValue={current?.account ?? ''} />
              </label>
            </fieldset>
          );
        })}
        {admin && (
          <button class="primary" type="submit">
            Save
          </button>
        )}
        <p role="status">{status.value}</p>
      </form>
    </main>
  );
}
