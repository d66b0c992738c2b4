import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../../server/src/test-relay.ts';
import { ProtocolError } from './errors.ts';
import { request } from './http.ts';

let t: TestRelay;
beforeAll(async () => (t = await startTestRelay()));
afterAll(() => t.stop());

describe('a refusal from the relay', () => {
  it('reads as the relay’s one sentence, with its code, not as a reason inside another “failed to”', async () => {
    const refusal = await request(new URL(`http://${t.base}`), '/v1/sites/no-such-site/config', 'load the chat').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ProtocolError);
    const { code, message } = refusal as ProtocolError;
    expect(code).toBe('not_found');
    expect(message).toMatch(/^Threadline: failed to [^:]+: .+\. .+$/);
    expect(message.match(/Threadline: failed to/g)).toHaveLength(1);
  });

});
