/**
 * The |dL/dh_t| chart: chart.js with only the parts it uses registered, plotting log10 |dL/dh_t|
 * (the exact sum-of-logs value, so 10^-3010 is drawn where float64 says 0) on axes labelled as
 * powers of ten, coloured from the theme's --vscode-* variables and redrawn when the theme changes.
 */
import { CategoryScale, Chart, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import { cssVar } from './dom';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip);

export interface FlowPoint {
  t: number;
  /** log10 |dL/dh_t|; -Infinity where the gradient is exactly 0 */
  log10: number;
}

function themeColors() {
  return {
    line: cssVar('--vscode-charts-blue', '#3794ff'),
    mark: cssVar('--vscode-charts-orange', '#d18616'),
    text: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-editorWidget-border', '#80808040'),
  };
}

export interface FlowChart {
  show(points: readonly FlowPoint[], T: number, current?: number): void;
  destroy(): void;
}

export function flowChart(canvas: HTMLCanvasElement, opts: { compact?: boolean } = {}): FlowChart {
  const c = themeColors();
  const chart = new Chart<'line', { x: number; y: number | null }[]>(canvas, {
    type: 'line',
    data: { datasets: [{ data: [], borderColor: c.line, backgroundColor: c.line, borderWidth: 2, pointRadius: 0, pointHoverRadius: 3, spanGaps: false }] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => `t = ${items[0]?.parsed.x}`,
            label: (item) => `|dL/dh_t| = 10^${(item.parsed.y ?? 0).toFixed(2)}`,
          },
        },
      },
      scales: {
        x: { type: 'linear', title: { display: !opts.compact, text: 'time step t', color: c.text }, ticks: { color: c.text, precision: 0 }, grid: { color: c.grid } },
        y: {
          type: 'linear',
          title: { display: !opts.compact, text: '|dL/dh_t| (log scale)', color: c.text },
          ticks: { color: c.text, callback: (v) => `10^${Number(v).toFixed(Math.abs(Number(v)) < 10 && !Number.isInteger(Number(v)) ? 1 : 0)}` },
          grid: { color: c.grid },
        },
      },
    },
  });
  let last: { points: readonly FlowPoint[]; T: number; current?: number } | undefined;
  const show = (points: readonly FlowPoint[], T: number, current?: number): void => {
    last = { points, T, current };
    const ds = chart.data.datasets[0];
    ds.data = points.map((p) => ({ x: p.t, y: Number.isFinite(p.log10) ? p.log10 : null }));
    const col = themeColors();
    ds.borderColor = ds.backgroundColor = col.line;
    (ds as { pointRadius: unknown }).pointRadius = points.length <= 60 ? points.map((p) => (p.t === current ? 5 : 2)) : points.map((p) => (p.t === current ? 4 : 0));
    (ds as { pointBackgroundColor: unknown }).pointBackgroundColor = points.map((p) => (p.t === current ? col.mark : col.line));
    const sx = chart.options.scales!.x!, sy = chart.options.scales!.y!;
    sx.min = 0;
    sx.max = T;
    for (const s of [sx, sy]) {
      s.ticks!.color = col.text;
      s.grid!.color = col.grid;
      if ('title' in s && s.title) s.title.color = col.text;
    }
    chart.update('none');
  };
  // VS Code swaps body classes (vscode-light / vscode-dark / vscode-high-contrast) on a theme change
  const observer = new MutationObserver(() => last && show(last.points, last.T, last.current));
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  return {
    show,
    destroy() {
      observer.disconnect();
      chart.destroy();
    },
  };
}
