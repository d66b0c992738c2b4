/**
 * Main-thread time of one page load from a Chromium trace: the renderer's top-level tasks
 * (`RunTask` on the thread that fired the page's load event), in all, up to the load event, and
 * those that ran JavaScript. The benchmark's page has no script of its own, so a task that runs
 * JavaScript is the widget's (or the benchmark's small observer, which every variant has), and its
 * whole duration counts, with the style and layout it forced, as Lighthouse attributes
 * main-thread time to third parties.
 */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the event. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { isMainFrame?: boolean; url?: string } };
}

/** Categories to record for `mainThread`. */
export const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'];

const SCRIPT = new Set(['EvaluateScript', 'FunctionCall', 'v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'RunMicrotasks', 'TimerFire', 'FireIdleCallback', 'FireAnimationFrame', 'v8.run', 'v8.callFunction']);

export interface MainThread {
  totalMs: number;
  beforeLoadMs: number;
  scriptTasksMs: number;
  /** The CPU time of those tasks: the work itself, without the waits of a busy machine (nor the task's blocking waits). */
  scriptTasksCpuMs: number;
  longestScriptTaskMs: number;
  /** Script tasks by the file of the first script they ran (the path on its origin). */
  byScript: Record<string, number>;
}

/** The index of the first of `sorted` at or after `start`. */
function firstFrom(sorted: TraceEvent[], start: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.ts < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function mainThread(trace: Buffer): MainThread {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const load = events.find((e) => e.name === 'MarkLoad' && e.args?.data?.isMainFrame);
  if (!load) throw new Error('the trace has no load event of the main frame');
  const onThread = events.filter((e) => e.pid === load.pid && e.tid === load.tid);
  const scripts = onThread.filter((e) => SCRIPT.has(e.name) && (e.ph === 'X' || e.ph === 'B')).sort((a, b) => a.ts - b.ts);
  const result: MainThread = { totalMs: 0, beforeLoadMs: 0, scriptTasksMs: 0, scriptTasksCpuMs: 0, longestScriptTaskMs: 0, byScript: {} };
  for (const task of onThread) {
    if (task.name !== 'RunTask' || task.ph !== 'X') continue;
    const dur = task.dur ?? 0;
    result.totalMs += dur / 1000;
    result.beforeLoadMs += Math.max(0, Math.min(task.ts + dur, load.ts) - task.ts) / 1000;
    const first = firstFrom(scripts, task.ts);
    if (first < scripts.length && scripts[first]!.ts <= task.ts + dur) {
      let url = '';
      for (let i = first; i < scripts.length && scripts[i]!.ts <= task.ts + dur && !url; i++) url = scripts[i]!.args?.data?.url ?? '';
      const file = URL.canParse(url) ? new URL(url).pathname : url || '(no script file)';
      result.byScript[file] = (result.byScript[file] ?? 0) + dur / 1000;
      result.scriptTasksMs += dur / 1000;
      result.scriptTasksCpuMs += (task.tdur ?? dur) / 1000;
      result.longestScriptTaskMs = Math.max(result.longestScriptTaskMs, dur / 1000);
    }
  }
  return result;
}
