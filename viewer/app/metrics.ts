// metrics.jsonl (one JSON object per logged step, see runner/outputs.ts) into plottable curves.
import type { WireCurve } from '../wire.js';

export type Curve = WireCurve;

type Row = Record<string, unknown>;

/** Parses JSON lines; blank lines and a torn last line (a run still writing) are skipped. */
export function parseMetrics(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      if (v && typeof v === 'object' && typeof (v as Row).step === 'number') rows.push(v as Row);
    } catch {
      // partial line: the next poll reads it whole
    }
  }
  return rows;
}

/** Total loss, each loss term and the test error (l2re), each as (step, value) pairs. */
export function metricCurves(rows: readonly Row[]): Curve[] {
  const curves = new Map<string, Curve>();
  const add = (name: string, step: number, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    let c = curves.get(name);
    if (!c) curves.set(name, (c = { name, steps: [], values: [] }));
    c.steps.push(step);
    c.values.push(v);
  };
  for (const r of rows) {
    const step = r.step as number;
    add('loss', step, r.loss);
    const terms = r.terms;
    if (terms && typeof terms === 'object') for (const [k, v] of Object.entries(terms as Row)) add(`loss:${k}`, step, v);
    add('l2re', step, r.l2re);
  }
  return [...curves.values()];
}
