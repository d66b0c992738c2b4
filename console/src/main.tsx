/** The agents' console: sign in, the site's conversations, one conversation decrypted, reply. */
import { render } from 'preact';
import { createAgentClient } from '@threadline/sdk/agent';
import { App } from './app.tsx';

const client = createAgentClient({ relay: location.origin });
render(<App client={client} />, document.getElementById('app')!);
