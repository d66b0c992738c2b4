/**
 * A chart drawn by uPlot (a small, maintained canvas chart library) on the Reports page. The canvas
 * is one picture for assistive technology (`role="img"` with a label); the numbers it shows are in
 * a table beside it. Drawn again when its data, its width or the colour scheme changes.
 */
import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import uPlot from 'uplot';

const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

export interface Series {
  label: string;
  /** A colour readable on light and dark backgrounds. */
  color: string;
  values: number[];
}

export function Chart({ label, x, series, time = true, bars = false, height = 220 }: { label: string; /** ms since 1970 when `time`, else category positions. */ x: number[]; series: Series[]; time?: boolean; bars?: boolean; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const scheme = useSignal(matchMedia('(prefers-color-scheme: dark)').matches);
  useEffect(() => {
    const media = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => (scheme.value = media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);

  useEffect(() => {
    const element = box.current!;
    const style = getComputedStyle(element);
    const ink = style.color;
    const grid = style.getPropertyValue('--line').trim() || '#ddd';
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const plot = new uPlot(
      {
        width: element.clientWidth || 600,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time, ...(time ? {} : { range: [0.5, x.length + 0.5] as [number, number] }) }, y: { range: (_, __, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
        axes: [
          time
            ? // One tick a day at most (the data is daily), labelled as the agent's locale writes a date.
              { ...axis, incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400], values: (_: uPlot, ticks: number[]) => ticks.map((tick) => day.format(tick * 1000)) }
            : { ...axis, values: (_: uPlot, ticks: number[]) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : '')) },
          { ...axis, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            ...(bars ? { fill: s.color, paths: uPlot.paths.bars!({ size: [0.6, 80] }), points: { show: false } } : { points: { show: true, size: 6, fill: s.color } }),
          })),
        ],
      },
      [time ? x.map((at) => at / 1000) : x, ...series.map((s) => s.values)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, scheme.value]);

  return (
    <figure class="chart">
      <div ref={box} class="plot" role="img" aria-label={label} />
      <figcaption>
        {series.map((s) => (
          <span key={s.label} class="key">
            <span class="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
