/**
 * The relay under test, as a child process of the relay benchmark: the built relay (`server/dist`)
 * configured from THREADLINE_* variables like `threadline-relay`, with one site (BENCH_SITE), its organisation
 * key and one admin agent. Over IPC it reports its address and the agent's token, and answers
 * `rss` (resident memory after a GC), `cpu` (µs used), `stored` (envelopes in the database) and
 * `commits` (how the relay's storage commits went since the last ask, and how long its event loop
 * was held up: the bench's own instruments, not the relay's).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as Server from '@threadline/server';

// BENCH_RELAY_MODULE: another build of the relay to measure (e.g. the main branch's, for before/after).
const { createRelay, readConfig, readLimits } = (await import(process.env.BENCH_RELAY_MODULE ?? '@threadline/server')) as typeof Server;

const SITE = process.env.BENCH_SITE!;

const config = readConfig([], process.env);
const relay = await createRelay({ dataDir: config.dataDir, maxBlobBytes: config.maxBlobBytes, limits: readLimits(process.env) });
const orgKey = process.env.BENCH_ORG_KEY!; // the public key; the benchmark signs the directory
await relay.store.createSite(SITE, 'Bench shop');
await relay.store.setOrgKey(SITE, orgKey);
const agentId = await relay.store.createAgent({ site: SITE, email: 'agent@bench.test', name: 'Agent', role: 'admin', salt: 'AAAAAAAAAAAAAAAAAAAAAA', iterations: 600_000, authKey: 'A'.repeat(43) });
const address = await relay.listen(config.port, config.host);

// Times each storage commit (a batch, or one envelope in builds without group commit).
const store = relay.store as unknown as Record<string, (envelopes: unknown) => unknown>;
const method = typeof store.appendBatch === 'function' ? 'appendBatch' : 'append';
const commit = store[method]!.bind(relay.store);
let commits: number[] = [];
let envelopes = 0;
store[method] = (input: unknown) => {
  const start = performance.now();
  try {
    return commit(input);
  } finally {
    commits.push(performance.now() - start);
    envelopes += Array.isArray(input) ? input.length : 1;
  }
};
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function commitStats() {
  const sorted = Float64Array.from(commits).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const stats = { commits: sorted.length, meanBatch: envelopes / (sorted.length || 1), commitP50Ms: at(0.5), commitP99Ms: at(0.99), commitMaxMs: at(1), loopDelayP99Ms: loop.percentile(99) / 1e6 };
  commits = [];
  envelopes = 0;
  loop.reset();
  return stats;
}

process.on('message', async ({ type }: { type: 'rss' | 'cpu' | 'stored' | 'commits' }) => {
  if (type === 'rss') globalThis.gc?.();
  const { user, system } = process.cpuUsage();
  const value =
    type === 'rss' ? process.memoryUsage().rss : type === 'cpu' ? user + system : type === 'commits' ? commitStats() : ((await relay.store.rowCounts()).envelopes ?? 0);
  process.send!({ type, value });
});
process.on('disconnect', () => void relay.close().finally(() => process.exit(0)));
process.send!({ type: 'ready', port: address.port, agentToken: await relay.store.issueToken('agent', agentId) });
