/**
 * The relay under load, on loopback: 10,000 visitor sockets and one agent, messages offered at
 * rising rates until the relay saturates. Reports open sockets, memory per socket, messages stored
 * (acked after commit) and delivered to the agent per second, and send→receipt latency, each next to
 * baselines measured in the same run: a bare `ws` server that stores nothing, and raw better-sqlite3
 * inserts. Budget: ≥ 10,000 sockets, ≥ 20,000 messages/s stored and delivered with p99 < 50 ms.
 *
 * Then the highest rate that kept up is held for BENCH_SUSTAIN_SECONDS (15) to show it is sustained.
 * BENCH_VISITORS, BENCH_RATES (comma-separated messages/s) and BENCH_STEP_SECONDS shorten a run.
 * Needs the built relay (`npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { report } from './demo.ts';
import { b64, connect, pool, sender, startServer, step, Tracker, type Server, type StepResult } from './relay-load.ts';
import { sqliteInsertRate } from './relay-sqlite.ts';
import { device } from '../../server/src/test-relay.ts';

const VISITORS = Number(process.env.BENCH_VISITORS ?? 10_000);
const RATES = (process.env.BENCH_RATES ?? '2500,5000,10000,15000,20000,25000,30000,40000').split(',').map(Number);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 4);
const SUSTAIN_SECONDS = Number(process.env.BENCH_SUSTAIN_SECONDS ?? 15);
const SITE = 'bench';
const [RELAY_PORT, BASELINE_PORT] = [8811, 8812];

interface Visitor {
  token: string;
  conversationId: string;
  device: string;
  expiresAt: number;
}
interface Run {
  sockets: number;
  openSeconds: number;
  rssPerSocketKb: number;
  steps: StepResult[];
  sustained: StepResult | undefined;
}

/** A step keeps up when everything offered arrives, at ≥ 95 % of the offered rate. */
const keepsUp = (s: StepResult) => s.delivered === s.sent && s.acked === s.sent && s.deliveredPerSecond >= 0.95 * s.offered;

async function load(server: Server, visitors: Visitor[], agentDevice: string): Promise<Run> {
  const url = `ws://127.0.0.1:${server.port}/v1/socket`;
  const tracker = new Tracker();
  const agent = await connect(url, server.agentToken, tracker.onDelivery);
  const rssBefore = await server.ask('rss');
  const started = performance.now();
  const sockets = await pool(visitors, 200, (v) => connect(url, v.token, tracker.onAck));
  const openSeconds = (performance.now() - started) / 1000;
  const rssPerSocketKb = ((await server.ask('rss')) - rssBefore) / sockets.length / 1024;
  const senders = sockets.map((socket, i) => sender(socket, visitors[i]!.conversationId, visitors[i]!.device, visitors[i]!.expiresAt, agentDevice));
  const steps: StepResult[] = [];
  for (const rate of RATES) {
    const result = await step(tracker, senders, server, rate, STEP_SECONDS);
    steps.push(result);
    const c = result.commits;
    const storage = c ? `; ${c.commits} commits of ${c.meanBatch.toFixed(1)} messages on average, commit p50 ${c.commitP50Ms.toFixed(1)} / p99 ${c.commitP99Ms.toFixed(1)} / max ${c.commitMaxMs.toFixed(0)} ms, event-loop delay p99 ${c.loopDelayP99Ms.toFixed(1)} ms` : '';
    console.log(`  ${rate} msg/s offered: ${result.deliveredPerSecond.toFixed(0)} delivered/s, p99 ${result.delivery.p99.toFixed(1)} ms, CPU per message ${result.serverCpuUs.toFixed(1)} µs server, ${result.driverCpuUs.toFixed(1)} µs driver${storage}`);
    if (!keepsUp(result)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const highest = steps.filter(keepsUp).at(-1);
  const sustained = highest && (await step(tracker, senders, server, highest.offered, SUSTAIN_SECONDS));
  if (sustained) console.log(`  ${highest.offered} msg/s held for ${SUSTAIN_SECONDS} s: ${sustained.deliveredPerSecond.toFixed(0)} delivered/s, p99 ${sustained.delivery.p99.toFixed(1)} ms`);
  for (const socket of [agent, ...sockets] as WebSocket[]) socket.terminate();
  return { sockets: sockets.length, openSeconds, rssPerSocketKb, steps, sustained };
}

// Each side of every socket is a file descriptor: this process holds VISITORS + 1, so does the server.
const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
if (Number.isFinite(fdLimit) && fdLimit < VISITORS + 200) {
  throw new Error(`Threadline: failed to run the relay benchmark: ${VISITORS} sockets need more open files than 'ulimit -n' allows (${fdLimit}). Raise it (ulimit -n ${VISITORS + 1000}) or set BENCH_VISITORS lower.`);
}

// The machine may be shared: its load says how far the absolute figures can be trusted.
const loadBefore = loadavg()[0]!;
console.log(`${cpus().length} cores, load average ${loadBefore.toFixed(1)}`);

// ---- storage baseline ----
console.log('Raw better-sqlite3 (WAL, synchronous=FULL)…');
const sqlite = { perRowTransaction: sqliteInsertRate(1, 2), batchesOf256: sqliteInsertRate(256, 2) };

// ---- the bare ws server ----
console.log('Bare ws server (no validation, no storage)…');
const bare = await startServer('./relay-baseline-server.ts', { BENCH_PORT: String(BASELINE_PORT) });
let baseline: Run;
try {
  baseline = await load(bare, Array.from({ length: VISITORS }, (_, i) => ({ token: `v${i}`, conversationId: `c${i}`, device: `d${i}`, expiresAt: 0 })), 'agent');
} finally {
  await bare.stop();
}

// ---- the relay ----
console.log('Threadline relay…');
const dataDir = mkdtempSync(join(tmpdir(), 'threadline-bench-relay-'));
const org = generateKeyPairSync('ed25519');
const orgKey = (org.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('base64url');
const relay = await startServer('./relay-server.ts', {
  THREADLINE_PORT: String(RELAY_PORT),
  THREADLINE_DATA_DIR: dataDir,
  // 10,000 visitors from one address, each sending far faster than a person: the limits are raised.
  THREADLINE_LIMITS: `visitors=${VISITORS * 2}/${VISITORS * 2},connections=${VISITORS * 2}/${VISITORS * 2},requests=${VISITORS * 4}/${VISITORS * 4},frames=100000/6000000,messages=100000/6000000`,
  BENCH_SITE: SITE,
  BENCH_ORG_KEY: orgKey,
});
let measured: Run;
let registrationsPerSecond: number;
let stored: number;
try {
  const http = (path: string, method: string, body: unknown, token?: string) =>
    fetch(`http://127.0.0.1:${RELAY_PORT}${path}`, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } }).then(async (response) => {
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    });

  // The agent's device, approved by a directory the organisation key signs.
  const agentDevice = device();
  await http('/v1/agent/devices', 'POST', { device: agentDevice, oneTimePrekeys: [], name: 'Bench console' }, relay.agentToken);
  const directory = JSON.stringify({ v: 2, site: SITE, version: 1, issuedAt: Date.now(), orgKey, inboxKey: b64(32), devices: [{ id: agentDevice.id, agent: 'agent@bench.test', identityKey: agentDevice.identityKey, signingKey: agentDevice.signingKey }] });
  await http('/v1/agent/directory', 'PUT', { directory, signature: sign(null, Buffer.from(directory), org.privateKey).toString('base64url') }, relay.agentToken);

  console.log(`  registering ${VISITORS} visitors…`);
  const started = performance.now();
  const visitors = await pool(Array.from({ length: VISITORS }), 16, async () => {
    const keys = device();
    const registration = (await http(`/v1/sites/${SITE}/visitors`, 'POST', { device: keys, retention: '7d' })) as { token: string; conversationId: string; expiresAt: number };
    return { ...registration, device: keys.id };
  });
  registrationsPerSecond = VISITORS / ((performance.now() - started) / 1000);
  measured = await load(relay, visitors, agentDevice.id);
  stored = await relay.ask('stored');
} finally {
  await relay.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

// ---- the report ----
const best = (run: Run) => run.steps.filter(keepsUp).at(-1);
const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '—' : Number.isFinite(n) ? n.toFixed(digits) : 'lost');
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`);

const loadAfter = loadavg()[0]!;
console.log(`\nRelay under load: ${measured.sockets} visitor sockets + 1 agent (baseline: bare ws server, same driver, same run; ${cpus().length} cores, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)})`);
console.log('offered/s | relay stored/s | relay delivered/s | relay p50 / p95 / p99 ms   | bare ws delivered/s | bare p99 ms | p99 relay/bare | server µs CPU/msg relay / bare');
for (const [i, rate] of RATES.entries()) {
  const r = measured.steps[i];
  const b = baseline.steps[i];
  if (!r && !b) break;
  console.log(
    [
      String(rate).padStart(9),
      fmt(r?.storedPerSecond).padStart(14),
      fmt(r?.deliveredPerSecond).padStart(17),
      `${fmt(r?.delivery.p50, 1)} / ${fmt(r?.delivery.p95, 1)} / ${fmt(r?.delivery.p99, 1)}`.padStart(26),
      fmt(b?.deliveredPerSecond).padStart(19),
      fmt(b?.delivery.p99, 1).padStart(11),
      ratio(r?.delivery.p99, b?.delivery.p99).padStart(14),
      `${fmt(r?.serverCpuUs, 1)} / ${fmt(b?.serverCpuUs, 1)} (${ratio(r?.serverCpuUs, b?.serverCpuUs)})`.padStart(30),
    ].join(' | '),
  );
}
/** CPU per message at the highest rate that kept up (or the first step): server and driver, µs. */
const cpu = (run: Run) => {
  const at = best(run) ?? run.steps[0];
  return { server: at?.serverCpuUs ?? NaN, driver: at?.driverCpuUs ?? NaN };
};
const relayBest = best(measured);
const bareBest = best(baseline);
const sustained = measured.steps.filter((s) => keepsUp(s) && s.delivery.p99 < 50).at(-1);
console.log(`
sockets open:        relay ${measured.sockets} in ${measured.openSeconds.toFixed(1)} s, bare ws ${baseline.sockets} in ${baseline.openSeconds.toFixed(1)} s (budget ≥ 10,000)
memory per socket:   relay ${measured.rssPerSocketKb.toFixed(1)} KB RSS, bare ws ${baseline.rssPerSocketKb.toFixed(1)} KB (${ratio(measured.rssPerSocketKb, baseline.rssPerSocketKb)})
registrations:       ${registrationsPerSecond.toFixed(0)} visitors/s over HTTP
saturation:          relay keeps up to ${fmt(relayBest?.offered)} msg/s, bare ws to ${fmt(bareBest?.offered)} msg/s (${ratio(relayBest?.offered, bareBest?.offered)}; rates tried: ${RATES.join(', ')})
sustained:           relay ${fmt(measured.sustained?.offered)} msg/s for ${SUSTAIN_SECONDS} s: stored ${fmt(measured.sustained?.storedPerSecond)}/s, delivered ${fmt(measured.sustained?.deliveredPerSecond)}/s, p50 / p95 / p99 ${fmt(measured.sustained?.delivery.p50, 1)} / ${fmt(measured.sustained?.delivery.p95, 1)} / ${fmt(measured.sustained?.delivery.p99, 1)} ms (ack p99 ${fmt(measured.sustained?.ack.p99, 1)} ms); bare ws ${fmt(baseline.sustained?.offered)} msg/s, p99 ${fmt(baseline.sustained?.delivery.p99, 1)} ms
within p99 < 50 ms:  relay ${fmt(sustained?.offered)} msg/s, stored ${fmt(sustained?.storedPerSecond)}/s, delivered ${fmt(sustained?.deliveredPerSecond)}/s (budget ≥ 20,000)
raw SQLite inserts:  ${sqlite.perRowTransaction.rowsPerSecond.toFixed(0)}/s one per transaction (commit p50 ${sqlite.perRowTransaction.commitMs.p50.toFixed(1)} ms, p99 ${sqlite.perRowTransaction.commitMs.p99.toFixed(1)} ms), ${sqlite.batchesOf256.rowsPerSecond.toFixed(0)}/s in batches of 256; relay's best stored rate is ${ratio(relayBest?.storedPerSecond, sqlite.perRowTransaction.rowsPerSecond)} / ${ratio(relayBest?.storedPerSecond, sqlite.batchesOf256.rowsPerSecond)} of those
CPU per message:     relay ${fmt(cpu(measured).server, 1)} µs + driver ${fmt(cpu(measured).driver, 1)} µs; bare ws ${fmt(cpu(baseline).server, 1)} µs + driver ${fmt(cpu(baseline).driver, 1)} µs (relay/bare ${ratio(cpu(measured).server, cpu(baseline).server)}): on 2 idle cores at most ${fmt(2e6 / (cpu(measured).server + cpu(measured).driver))} msg/s relay, ${fmt(2e6 / (cpu(baseline).server + cpu(baseline).driver))} bare ws
stored in SQLite:    ${stored} envelopes, ${[...measured.steps, ...(measured.sustained ? [measured.sustained] : [])].reduce((n, s) => n + s.acked, 0)} acked`);

report('relay', { cores: cpus().length, loadAverage: [loadBefore, loadAfter], visitors: VISITORS, stepSeconds: STEP_SECONDS, sqlite, registrationsPerSecond, stored, relay: measured, bareWs: baseline, saturation: { relay: relayBest?.offered ?? null, bareWs: bareBest?.offered ?? null }, withinBudget: sustained ?? null });
