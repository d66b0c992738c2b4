/**
 * Reports, computed in this browser from the decrypted history (report-data.ts): nothing about them
 * is asked of or sent to the relay. Loaded on demand with its chart library.
 */
import { useMemo } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { CHANNEL_NAMES, type AgentClient } from '@threadline/sdk/agent';
import { Chart, type Series } from './chart.tsx';
import { toCsv, type Cell } from './csv.ts';
import { visitorLabel } from './customer.ts';
import { count, duration } from './format.ts';
import { buildReport, ORIGINS, type Origin, type Report } from './report-data.ts';
import { times } from './time.tsx';

const ORIGIN_NAMES: Record<Origin, string> = { web: 'Web', ...CHANNEL_NAMES };
/** Mid-tone colours, readable on the light and the dark background. */
const COLORS: Record<Origin, string> = { web: '#3f7fd8', whatsapp: '#1f9d55', messenger: '#8b5cf6', instagram: '#d6336c' };
const PERIODS = { 7: 'Last 7 days', 30: 'Last 30 days', 90: 'Last 90 days' } as const;
const STATES = { open: 'Open', snoozed: 'Snoozed', closed: 'Closed' } as const;

const dayName = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const isoDay = (at: number) => {
  const date = new Date(at);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

function download(name: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function Reports({ client }: { client: AgentClient }) {
  const period = useSignal<keyof typeof PERIODS>(7);
  const conversations = client.conversations.value;
  // Reading every thread subscribes the page to new messages: the report follows the inbox.
  const threads = conversations.map((c) => client.messages(c.id).value);
  const report = useMemo(() => {
    const byId = new Map(conversations.map((c, i) => [c.id, threads[i]!]));
    return buildReport(conversations, (id) => byId.get(id) ?? [], period.value, Date.now());
  }, [conversations, ...threads, period.value]);
  const label = (id: string) => {
    const conversation = conversations.find((c) => c.id === id);
    return conversation ? visitorLabel(client, conversation) : id.slice(0, 6);
  };
  const used = ORIGINS.filter((origin) => report.days.some((d) => d.counts[origin] > 0));
  const perDay = useMemo((): Series[] => (used.length ? used : (['web'] as Origin[])).map((origin) => ({ label: ORIGIN_NAMES[origin], color: COLORS[origin], values: report.days.map((d) => d.counts[origin]) })), [report]);
  const x = useMemo(() => report.days.map((d) => d.day), [report]);
  const ratingSeries = useMemo(() => [{ label: 'Ratings', color: '#e0a100', values: report.ratings.scores }], [report]);

  const conversationsCsv = () =>
    toCsv([
      ['conversation', 'customer', 'started on', 'started at', 'first response (s)', 'resolution (s)', 'status', 'rating', 'rating comment'],
      ...report.conversations.map((c): Cell[] => [c.id, label(c.id), ORIGIN_NAMES[c.startedOn], new Date(c.createdAt).toISOString(), seconds(c.firstResponseMs), seconds(c.resolutionMs), STATES[c.state], c.rating?.score ?? null, c.rating?.comment ?? null]),
    ]);
  const daysCsv = () => toCsv([['day', ...ORIGINS.map((o) => ORIGIN_NAMES[o]), 'total'], ...report.days.map((d): Cell[] => [isoDay(d.day), ...ORIGINS.map((o) => d.counts[o]), total(d.counts)])]);

  return (
    <main class="page reports">
      <h1>Reports</h1>
      <p class="meta">Computed in this browser from the conversations it has decrypted; the relay is not asked and learns nothing.</p>
      <div class="report-tools">
        <label>
          Period{' '}
          <select value={period.value} onChange={(event) => (period.value = Number(event.currentTarget.value) as keyof typeof PERIODS)}>
            {Object.entries(PERIODS).map(([days, name]) => (
              <option key={days} value={days}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => download(`conversations-${isoDay(Date.now())}.csv`, conversationsCsv())}>
          Download conversations (CSV)
        </button>
        <button type="button" onClick={() => download(`conversations-per-day-${isoDay(Date.now())}.csv`, daysCsv())}>
          Download daily counts (CSV)
        </button>
      </div>
      <Figures report={report} />

      <h2>Conversations per day</h2>
      <Chart label={`Conversations started per day and channel, ${PERIODS[period.value].toLowerCase()}`} x={x} series={perDay} />
      <details>
        <summary>The numbers</summary>
        <table>
          <caption class="visually-hidden">Conversations started per day and channel</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {ORIGINS.map((origin) => (
                <th key={origin} scope="col">
                  {ORIGIN_NAMES[origin]}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {report.days.map((d) => (
              <tr key={d.day}>
                <th scope="row">{dayName.format(d.day)}</th>
                {ORIGINS.map((origin) => (
                  <td key={origin}>{d.counts[origin]}</td>
                ))}
                <td>{total(d.counts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>

      <h2>Satisfaction</h2>
      {report.ratings.count ? (
        <Chart label={`Ratings by number of stars: ${report.ratings.scores.map((n, i) => `${i + 1} star${i ? 's' : ''}: ${n}`).join(', ')}`} x={[1, 2, 3, 4, 5]} series={ratingSeries} time={false} bars height={160} />
      ) : (
        <p class="empty">No customer has rated a conversation in this period. Customers rate from the chat once an agent has answered.</p>
      )}

      <h2>Conversations</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Started</th>
            <th scope="col">First response</th>
            <th scope="col">Resolution</th>
            <th scope="col">Status</th>
            <th scope="col">Rating</th>
          </tr>
        </thead>
        <tbody>
          {report.conversations.length === 0 && (
            <tr>
              <td colSpan={6}>No conversation started in this period.</td>
            </tr>
          )}
          {[...report.conversations].reverse().map((c) => (
            <tr key={c.id}>
              <th scope="row">
                {label(c.id)} <span class={`badge ${c.startedOn}`}>{ORIGIN_NAMES[c.startedOn]}</span>
              </th>
              <td>{times.stamp(c.createdAt)}</td>
              <td>{c.firstResponseMs === null ? 'not yet' : duration(c.firstResponseMs)}</td>
              <td>{c.resolutionMs === null ? '—' : duration(c.resolutionMs)}</td>
              <td>{STATES[c.state]}</td>
              <td>{c.rating ? `${c.rating.score}/5` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

const total = (counts: Record<Origin, number>) => ORIGINS.reduce((sum, origin) => sum + counts[origin], 0);

/** The period at a glance. */
function Figures({ report }: { report: Report }) {
  const time = (label: string, t: Report['firstResponse'], of: string) => (
    <div class="figure">
      <dt>{label}</dt>
      <dd>
        <strong>{t.medianMs === null ? '—' : duration(t.medianMs)}</strong>
        <span class="meta">{t.count ? `median of ${count(t.count, of)}; average ${duration(t.averageMs!)}` : `no ${of}s yet`}</span>
      </dd>
    </div>
  );
  return (
    <dl class="figures">
      <div class="figure">
        <dt>Conversations</dt>
        <dd>
          <strong>{report.conversations.length}</strong>
          <span class="meta">{report.conversations.filter((c) => c.state === 'closed').length} closed</span>
        </dd>
      </div>
      {time('First response', report.firstResponse, 'answered conversation')}
      {time('Resolution', report.resolution, 'closed conversation')}
      <div class="figure">
        <dt>Satisfaction</dt>
        <dd>
          <strong>{report.ratings.average === null ? '—' : `${report.ratings.average.toFixed(1)} / 5`}</strong>
          <span class="meta">{report.ratings.count ? count(report.ratings.count, 'rating') : 'no ratings yet'}</span>
        </dd>
      </div>
    </dl>
  );
}
