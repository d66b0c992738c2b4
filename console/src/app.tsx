import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { AgentClient } from '@threadline/sdk/agent';
import { AcceptInvite } from './accept-invite.tsx';
import { WaitingForApproval } from './approval-code.tsx';
import { Channels } from './channels.tsx';
import { Devices } from './devices.tsx';
import { currentHash } from './hash.ts';
import { Inbox } from './inbox.tsx';
import { Install } from './install.tsx';
import { lazyPage } from './lazy-page.tsx';
import { SavedReplies } from './saved-replies.tsx';
import { ShortcutHelp } from './shortcut-help.tsx';
import { useShortcuts } from './shortcuts.ts';
import { SignIn } from './sign-in.tsx';
import { NotificationOffer, SoundToggle } from './notification-settings.tsx';
import { startNotifier } from './notifier.ts';

const PAGES = { inbox: 'Inbox', replies: 'Saved replies', reports: 'Reports', devices: 'Devices & team', channels: 'Messengers', install: 'Install' } as const;
const Reports = lazyPage(() => import('./reports.tsx').then((module) => module.Reports), 'Reports');
type Page = keyof typeof PAGES;

export function App({ client }: { client: AgentClient }) {
  const resuming = useSignal(true);
  const hash = useSignal(currentHash());
  const help = useSignal(false);
  useShortcuts({ '?': () => (help.value = true) });
  const signedIn = client.agent.value !== null;
  useEffect(() => (signedIn ? startNotifier(client) : undefined), [client, signedIn]);
  useEffect(() => {
    const onHash = () => (hash.value = currentHash());
    addEventListener('hashchange', onHash);
    client.resume().catch(() => false).finally(() => (resuming.value = false));
    return () => removeEventListener('hashchange', onHash);
  }, [client]);

  if (resuming.value) return <p class="loading">Loading the inbox…</p>;
  const invite = hash.value.get('invite');
  const agent = client.agent.value;
  if (!agent) return invite ? <AcceptInvite client={client} code={invite} /> : <SignIn client={client} />;

  const page = (hash.value.get('page') ?? 'inbox') as Page;
  const STATUS = { idle: 'Not connected', connecting: 'Connecting…', online: 'Online', offline: 'Offline — reconnecting', closed: 'Disconnected' };
  return (
    <div class="shell">
      <header class="top">
        <nav aria-label="Console">
          {(Object.keys(PAGES) as Page[]).map((key) => (
            <a key={key} href={`#page=${key}`} aria-current={page === key ? 'page' : undefined}>
              {PAGES[key]}
            </a>
          ))}
        </nav>
        <div>
          <span class="status" role="status">
            {STATUS[client.status.value]}
          </span>
          <span class="status">
            {agent.name} ({agent.role === 'admin' ? 'admin' : 'agent'})
          </span>
          <SoundToggle />
          <button type="button" aria-haspopup="dialog" onClick={() => (help.value = true)}>
            Keyboard shortcuts
          </button>{' '}
          <button type="button" onClick={() => void client.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {client.error.value && (
        <p class="error banner" role="alert">
          {client.error.value.message}
        </p>
      )}
      {!agent.approved && <WaitingForApproval client={client} />}
      <NotificationOffer />
      <ShortcutHelp open={help.value} close={() => (help.value = false)} />
      {page === 'devices' ? <Devices client={client} /> : page === 'channels' ? <Channels client={client} /> : page === 'install' ? <Install client={client} /> : page === 'reports' ? <Reports client={client} /> : page === 'replies' ? <SavedReplies client={client} /> : <Inbox client={client} />}
    </div>
  );
}
