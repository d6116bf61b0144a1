// The sweep page's table model: its columns (run id, the swept keys, seed, status, steps, loss, l2re, wall time)
// and sorting by one of them, numerically where both cells are numbers.
import type { WireSweepRow } from '../wire.js';

export type Cell = string | number | undefined;

export interface Column {
  readonly key: string;
  readonly label: string;
  readonly value: (r: WireSweepRow) => Cell;
  /** The cell as shown; default formatCell of the value. Swept values are shown as results.csv wrote them. */
  readonly text?: (r: WireSweepRow) => string;
}

/** A swept value as a number when results.csv wrote one ('0.003', '1e-3'), else the text. */
function param(text: string | undefined): Cell {
  if (text === undefined || text === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : text;
}

export function sweepColumns(keys: readonly string[]): Column[] {
  return [
    { key: 'id', label: 'run', value: (r) => r.id },
    ...keys.map((k): Column => ({ key: `param:${k}`, label: k, value: (r) => param(r.params[k]), text: (r) => r.params[k] ?? '' })),
    { key: 'seed', label: 'seed', value: (r) => r.seed },
    { key: 'status', label: 'status', value: (r) => r.status },
    { key: 'steps', label: 'steps', value: (r) => r.steps },
    { key: 'loss', label: 'loss', value: (r) => r.loss },
    { key: 'l2re', label: 'l2re', value: (r) => r.l2re },
    { key: 'wallTime', label: 'wall time (s)', value: (r) => r.wallTime },
  ];
}

function compare(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Rows sorted by `column` (stable); empty cells (pending and failed runs) go last in either direction. */
export function sortRows(rows: readonly WireSweepRow[], column: Column, descending: boolean): WireSweepRow[] {
  return rows
    .map((r, i) => ({ r, i, v: column.value(r) }))
    .sort((x, y) => {
      if (x.v === undefined || y.v === undefined) return x.v === y.v ? x.i - y.i : x.v === undefined ? 1 : -1;
      return (descending ? -compare(x.v, y.v) : compare(x.v, y.v)) || x.i - y.i;
    })
    .map((x) => x.r);
}

/** A cell as the table shows it: metrics in 4 significant digits. */
export const cellText = (c: Column, r: WireSweepRow): string => (c.text ? c.text(r) : formatCell(c.value(r)));

function formatCell(v: Cell): string {
  if (v === undefined) return '';
  if (typeof v === 'number' && !Number.isInteger(v))
    return Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4 ? v.toExponential(3) : v.toPrecision(4);
  return String(v);
}

/** 'training.lr=0.003, seed=1': a run's legend label. */
export const settingLabel = (keys: readonly string[], r: WireSweepRow): string =>
  [...keys.map((k) => `${k}=${r.params[k]}`), `seed=${r.seed}`].join(', ');
