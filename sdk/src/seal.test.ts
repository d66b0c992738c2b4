/**
 * A messenger customer's profile name travels sealed in their message, as its text does: the relay
 * keeps neither, and an agent device shows the name once it opens the message.
 */
import { KDF_ITERATIONS } from './crypto/backup.ts';
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { randomBytes, randomId, toBase64Url } from './crypto/encoding.ts';
import { CryptoService, type Result } from './crypto/service.ts';
import { sealMessengerMessage } from './seal.ts';
import { toMessage } from './thread.ts';

const value = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.value;
};

describe('sealed messenger messages', () => {
  it('carry the customer’s profile name only inside the ciphertext; the agent sees it as the sender', async () => {
    const site = `site${randomId().slice(0, 6)}`;
    const agent = new CryptoService();
    const info = value(await agent.open(`test/${site}/${randomId()}`, site, 'agent'));
    value(await agent.unlock('agent password', toBase64Url(randomBytes(16)), KDF_ITERATIONS));
    const { directory } = value(await agent.createOrg('Alex'));
    const trusted = value(await agent.trust(directory)).directory;

    const meta = { conversationId: 'c1', id: 'm1', channel: 'whatsapp' as const, expiresAt: Date.now() + 3600_000 };
    const envelope = await sealMessengerMessage(meta, { text: 'Is my order shipped?', name: 'Dana Whitfield' }, [info.device], trusted.inboxKey);
    expect(JSON.stringify(envelope)).not.toContain('Dana');
    const entry = value(await agent.decrypt({ ...envelope, seq: 1, at: Date.now() }));
    expect(toMessage(entry)).toMatchObject({ from: 'visitor', channel: 'whatsapp', text: 'Is my order shipped?', sender: 'Dana Whitfield' });
    // Only a message sealed as a messenger's carries a sender: a web visitor cannot name itself.
    expect(toMessage({ ...entry, channel: undefined } as typeof entry).sender).toBeUndefined();
  });
});
