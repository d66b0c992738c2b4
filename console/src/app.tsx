import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { AgentClient } from '@threadline/sdk/agent';
import { SignIn } from './sign-in.tsx';
import { Inbox } from './inbox.tsx';

export function App({ client }: { client: AgentClient }) {
  const resuming = useSignal(true);
  useEffect(() => {
    client.resume().catch(() => false).finally(() => (resuming.value = false));
  }, [client]);
  if (resuming.value) return <p class="loading">Loading the inbox…</p>;
  return client.agent.value ? <Inbox client={client} /> : <SignIn client={client} />;
}
