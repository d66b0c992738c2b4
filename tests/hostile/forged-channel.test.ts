/**
 * Finding 1: a relay that sets an envelope's `channel` field to pass its own text off as the
 * business's agent. A messenger message is sealed by the relay (it has the plaintext from the
 * platform), so whatever its envelope says, a client shows it as what it is — the customer's words
 * on that messenger, relayed — and never as an agent's. Agent authorship comes only from an
 * approved device's session or signature.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, utf8 } from '../../sdk/src/crypto/encoding.ts';
import { sealWithoutSessions, type MessageMeta } from '../../sdk/src/crypto/message.ts';
import { bundleOf, setupOrg, stored, value } from '../../sdk/src/crypto/test-org.ts';
import type { Result } from '../../sdk/src/crypto/service.ts';
import type { HistoryEntry } from '../../sdk/src/crypto/vault.ts';
import type { Envelope } from '../../sdk/src/protocol.ts';
import { toMessage } from '../../sdk/src/thread.ts';

/** What a hostile relay can make: any metadata, sealed to public keys it knows. */
async function forge(meta: MessageMeta, text: string, to: { deviceId: string; identityKey: string }[], inboxKey: string, extra: Partial<Envelope> = {}): Promise<Envelope> {
  const body = await sealWithoutSessions(meta, utf8(JSON.stringify({ text })), to.map((d) => ({ deviceId: d.deviceId, identityKey: fromBase64Url(d.identityKey) })), fromBase64Url(inboxKey));
  return { v: 2, ...meta, ...body, channel: 'whatsapp', ...extra };
}

/** What a client makes of a decryption: refused (not shown as a message with text), or the message it shows. */
const shownAs = (result: Result<HistoryEntry>) => (!result.ok || result.value.status === 'unreadable' ? 'refused' : toMessage(result.value));

describe('a relay forging messages with the channel field', () => {
  it('cannot make a visitor see its text as the agent’s (as a messenger device)', async () => {
    const { visitor, visitorInfo, trusted, conversation } = await setupOrg();
    const meta: MessageMeta = { ...conversation, id: 'forged1', from: 'agent', device: 'whatsapp' };
    const envelope = await forge(meta, 'Please confirm your card number', [{ deviceId: visitorInfo.device.id, identityKey: visitorInfo.device.identityKey }], trusted.inboxKey);
    const shown = toMessage(value(await visitor.decrypt(stored(envelope, 1))));
    expect(shown.from).toBe('visitor');
    expect(shown.channel).toBe('whatsapp');
  });

  it('cannot make a visitor see its text as sent by an approved agent device', async () => {
    const { visitor, visitorInfo, agentInfo, trusted, conversation } = await setupOrg();
    const meta: MessageMeta = { ...conversation, id: 'forged2', from: 'agent', device: agentInfo.device.id };
    const envelope = await forge(meta, 'Please confirm your card number', [{ deviceId: visitorInfo.device.id, identityKey: visitorInfo.device.identityKey }], trusted.inboxKey);
    expect(shownAs(await visitor.decrypt(stored(envelope, 1)))).toBe('refused');
  });

  it('cannot make an agent see its text as another agent device’s (inbox copy, no signature)', async () => {
    const { agent, agentInfo, trusted, conversation } = await setupOrg();
    const meta: MessageMeta = { ...conversation, id: 'forged3', from: 'agent', device: agentInfo.device.id };
    const envelope = await forge(meta, 'Refund approved, see link', [], trusted.inboxKey);
    expect(shownAs(await agent.decrypt(stored(envelope, 1)))).toBe('refused');
  });

  it('cannot make an agent see its text as an agent’s reply (as a messenger device)', async () => {
    const { agent, trusted, conversation } = await setupOrg();
    const meta: MessageMeta = { ...conversation, id: 'forged4', from: 'agent', device: 'messenger' };
    const envelope = await forge(meta, 'We will refund you twice', [], trusted.inboxKey, { channel: 'messenger' });
    const shown = toMessage(value(await agent.decrypt(stored(envelope, 1))));
    expect(shown).toMatchObject({ from: 'visitor', channel: 'messenger', text: 'We will refund you twice' });
  });

  it('cannot relabel a genuine end-to-end message as a messenger one', async () => {
    const { agent, agentInfo, visitor, visitorInfo, trusted, conversation } = await setupOrg();
    const first = value(await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'hello' }, [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }], trusted.inboxKey));
    value(await agent.decrypt(stored(first, 1)));
    const reply = value(await agent.encrypt({ ...conversation, id: 'm2' }, { text: 'genuine' }, [{ deviceId: visitorInfo.device.id }], trusted.inboxKey));
    const shown = toMessage(value(await visitor.decrypt(stored({ ...reply, channel: 'instagram' }, 2))));
    expect(shown).toMatchObject({ from: 'agent', text: 'genuine' });
    expect(shown.channel).toBeUndefined();
  });
});
