// Loss / error curves drawn on a plain 2D canvas (no chart library): log y axis with decade ticks.
import { chartScale, niceTicks } from './chartScale.js';
import type { Curve } from './metrics.js';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const PAD = { left: 52, right: 10, top: 10, bottom: 24 };

/** The i-th colour of the chart's cycle. */
export const chartColour = (i: number): string => COLOURS[i % COLOURS.length];

/** A curve with an optional fixed colour (default: the i-th of the cycle) and dash. */
export interface PlotCurve extends Curve {
  readonly colour?: string;
  readonly dashed?: boolean;
}

export function drawChart(canvas: HTMLCanvasElement, curves: readonly PlotCurve[]): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, w, h);
  const s = chartScale(curves);
  canvas.dataset.points = String(curves.reduce((n, c) => n + c.steps.length, 0));
  if (!s) {
    g.fillStyle = '#888';
    g.fillText('no metrics yet', PAD.left, h / 2);
    return;
  }
  const pw = w - PAD.left - PAD.right;
  const ph = h - PAD.top - PAD.bottom;
  const X = (x: number) => PAD.left + ((x - s.xMin) / (s.xMax - s.xMin)) * pw;
  const Y = (v: number) => PAD.top + (1 - ((s.log ? Math.log10(v) : v) - s.yMin) / (s.yMax - s.yMin)) * ph;

  g.strokeStyle = '#ddd';
  g.fillStyle = '#444';
  g.font = '11px sans-serif';
  g.textAlign = 'right';
  const yTicks = s.log ? niceTicks(s.yMin, s.yMax, 6).filter(Number.isInteger) : niceTicks(s.yMin, s.yMax, 4);
  for (const t of yTicks) {
    const y = PAD.top + (1 - (t - s.yMin) / (s.yMax - s.yMin)) * ph;
    line(g, PAD.left, y, PAD.left + pw, y);
    g.fillText(s.log ? `1e${t}` : String(t), PAD.left - 4, y + 4);
  }
  g.textAlign = 'center';
  for (const t of niceTicks(s.xMin, s.xMax, 5)) g.fillText(String(t), X(t), h - 8);

  curves.forEach((c, i) => {
    g.strokeStyle = c.colour ?? chartColour(i);
    g.lineWidth = c.name === 'loss' ? 2 : 1.25;
    g.setLineDash(c.dashed ? [5, 3] : []);
    g.beginPath();
    c.steps.forEach((x, k) => (k === 0 ? g.moveTo(X(x), Y(c.values[k])) : g.lineTo(X(x), Y(c.values[k]))));
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = g.strokeStyle;
    g.textAlign = 'left';
    g.fillText(c.name, PAD.left + 8, PAD.top + 12 + 13 * i);
  });
}

function line(g: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  g.beginPath();
  g.moveTo(x0, y0);
  g.lineTo(x1, y1);
  g.stroke();
}
