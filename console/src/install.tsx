import type { AgentClient } from '@threadline/sdk/agent';
import { AllowedOrigins } from './origins.tsx';
import { ShareText } from './share-text.tsx';

/** The script tag to paste, with the organisation key pinned so no relay can swap the keys. */
export function Install({ client }: { client: AgentClient }) {
  const agent = client.agent.value!;
  const snippet = `<script async src="${location.origin}/widget/threadline.js" data-site="${agent.site}"${agent.orgFingerprint ? ` data-org-key="${agent.orgFingerprint}"` : ''}></script>`;
  return (
    <main class="page">
      <h1>Install on your website</h1>
      <p>Paste this line into every page, just before &lt;/head&gt;. It loads under 2 KB; the chat itself runs in its own frame, out of your page’s reach. Your page’s Content-Security-Policy needs to allow this origin in script-src and frame-src only.</p>
      <pre class="snippet" aria-label="Script tag">
        {snippet}
      </pre>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(snippet)}>
        Copy
      </button>
      <h2>Allowed websites</h2>
      <AllowedOrigins client={client} />
      <h2>Message text on your pages</h2>
      <ShareText client={client} />
      <h2>SDK</h2>
      <pre class="snippet">{`createClient({ site: '${agent.site}', relay: '${location.origin}'${agent.orgFingerprint ? `, orgKey: '${agent.orgFingerprint}'` : ''} })`}</pre>
      <p>
        <code>data-org-key</code> pins your organisation key (fingerprint <code>{agent.orgFingerprint ?? '—'}</code>): the widget refuses a key directory
        it did not sign. Without it, each visitor’s browser trusts the first key it sees and says so in its “verify” screen.
      </p>
    </main>
  );
}
