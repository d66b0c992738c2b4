import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { AgentClient, DeviceRecord } from '@threadline/sdk/agent';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The team's devices: admins approve new ones and revoke lost ones; invite new agents. */
export function Devices({ client }: { client: AgentClient }) {
  const agent = client.agent.value!;
  const error = useSignal('');
  const inviteLink = useSignal('');
  const canManage = agent.holdsOrgKeys;
  useEffect(() => void client.loadDevices().catch((failure: Error) => (error.value = failure.message)), [client]);

  const act = (run: () => Promise<unknown>) => async () => {
    error.value = '';
    try {
      await run();
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    }
  };

  async function invite(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    await act(async () => {
      const code = await client.invite(String(data.get('email')), String(data.get('name')));
      inviteLink.value = `${location.origin}${location.pathname}#invite=${code}`;
      form.reset();
    })();
  }

  // The admin types the code the new device shows: the console compares it with the code of the keys
  // the relay reported, so a relay offering its own keys cannot get them approved by a click.
  function approve(event: SubmitEvent, deviceId: string) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget as HTMLFormElement).get('code'));
    void act(() => client.approve(deviceId, code))();
  }

  const row = (device: DeviceRecord) => (
    <tr key={device.id}>
      <td>
        {device.name}
        {device.id === agent.deviceId && <strong> (this device)</strong>}
      </td>
      <td>{device.agent}</td>
      <td>
        <span class={`badge ${device.status}`}>{device.status}</span>
      </td>
      <td>{when.format(device.createdAt)}</td>
      <td>
        {canManage && device.status === 'pending' && (
          <form class="inline" onSubmit={(event) => approve(event, device.id)}>
            <label>
              Code shown on {device.agent}’s new device <input name="code" inputMode="numeric" autoComplete="off" required pattern="[0-9 ]{12,16}" />
            </label>
            <button type="submit">Approve {device.agent}</button>
          </form>
        )}
        {canManage && device.status === 'approved' && device.id !== agent.deviceId && (
          <button type="button" class="danger" onClick={act(() => client.revoke(device.id))}>
            Revoke {device.agent}
          </button>
        )}
      </td>
    </tr>
  );

  return (
    <main class="page">
      <h1>Devices &amp; team</h1>
      <p>
        Visitors encrypt each message to the approved devices only, as listed in a directory signed by your organisation key. A revoked device
        receives nothing from then on.
      </p>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Device</th>
            <th>Agent</th>
            <th>Status</th>
            <th>Enrolled</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{client.devices.value.map(row)}</tbody>
      </table>
      {agent.role === 'admin' && (
        <form class="inline" onSubmit={invite}>
          <h2>Invite an agent</h2>
          <label>
            Name <input name="name" required />
          </label>
          <label>
            Email <input name="email" type="email" required />
          </label>
          <button class="primary" type="submit">
            Create invitation
          </button>
          {inviteLink.value && (
            <p>
              Send this link to the agent (it works once, for 7 days): <output aria-label="Invitation link">{inviteLink.value}</output>
            </p>
          )}
        </form>
      )}
    </main>
  );
}
