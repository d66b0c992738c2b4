import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { AgentClient } from '@threadline/sdk/agent';

/** What a device waiting for approval shows: the code the admin types to approve it. */
export function WaitingForApproval({ client }: { client: AgentClient }) {
  const code = useSignal('');
  useEffect(() => void client.approvalCode().then((value) => (code.value = value), () => undefined), [client]);
  return (
    <p class="notice banner" role="status">
      This device is waiting for an admin to approve it. Until then it cannot read new messages or reply.
      {code.value && (
        <>
          {' '}
          Tell the admin this device’s approval code: <strong aria-label="Approval code">{code.value.match(/\d{4}/g)!.join(' ')}</strong>
        </>
      )}
    </p>
  );
}
