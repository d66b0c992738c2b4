/**
 * The relay under test, as a child process of the relay benchmark: the built relay (`server/dist`)
 * configured from THREADLINE_* variables like `threadline-relay`, with one site (BENCH_SITE), its organisation
 * key and one admin agent. Over IPC it reports its address and the agent's token, and answers
 * `rss` (resident memory after a GC), `cpu` (µs used) and `stored` (envelopes in the database).
 */
import type * as Server from '@threadline/server';

// BENCH_RELAY_MODULE: another build of the relay to measure (e.g. the main branch's, for before/after).
const { createRelay, readConfig } = (await import(process.env.BENCH_RELAY_MODULE ?? '@threadline/server')) as typeof Server;

const SITE = process.env.BENCH_SITE!;

const config = readConfig([], process.env);
const relay = createRelay({ dataDir: config.dataDir, maxBlobBytes: config.maxBlobBytes, visitorsPerMinute: config.visitorsPerMinute });
const orgKey = process.env.BENCH_ORG_KEY!; // the public key; the benchmark signs the directory
relay.store.createSite(SITE, 'Bench shop');
relay.store.setOrgKey(SITE, orgKey);
const agentId = await relay.store.createAgent({ site: SITE, email: 'agent@bench.test', name: 'Agent', role: 'admin', salt: 'AAAAAAAAAAAAAAAAAAAAAA', iterations: 600_000, authKey: 'A'.repeat(43) });
const address = await relay.listen(config.port, config.host);

process.on('message', ({ type }: { type: 'rss' | 'cpu' | 'stored' }) => {
  if (type === 'rss') globalThis.gc?.();
  const { user, system } = process.cpuUsage();
  const value = type === 'rss' ? process.memoryUsage().rss : type === 'cpu' ? user + system : relay.store.db.prepare('SELECT count(*) FROM envelopes').pluck().get();
  process.send!({ type, value });
});
process.on('disconnect', () => void relay.close().finally(() => process.exit(0)));
process.send!({ type: 'ready', port: address.port, agentToken: relay.store.issueToken('agent', agentId) });
