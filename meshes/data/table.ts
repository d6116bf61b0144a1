// Whitespace/comma text tables with comment headers, e.g. COMSOL exports:
//   % Model: x.mph            <- meta lines "% Key: value"
//   % X   Y   u (1) @ t=0.1   <- last comment line = column headers (split on 2+ spaces)
// Columns stamped "@ t=..." with a common base name are gathered into one (rows x times) array.
import type { ReferenceArray, ReferenceData } from './types.js';

const STAMP = /^(.*?)\s*@\s*t\s*=\s*([-+0-9.eE]+)\s*$/;

/** "u (1)" -> "u": drop a trailing parenthesized unit. */
function baseName(h: string): string {
  return h.replace(/\s*\([^)]*\)\s*$/, '').trim() || h.trim();
}

function splitHeader(line: string, count: number, delimiter: RegExp): string[] | undefined {
  for (const re of [/\s{2,}|\t/, delimiter]) {
    const parts = line
      .trim()
      .split(re)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (parts.length === count) return parts;
  }
  return undefined;
}

export function parseTable(text: string, source: string): ReferenceData {
  const csv = /\.csv$/i.test(source);
  const delimiter = csv ? /\s*,\s*/ : /\s+/;
  const comments: string[] = [];
  const rows: number[][] = [];
  let headerLine: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    if (line.startsWith('%') || line.startsWith('#')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const parts = line.split(delimiter);
    const values = parts.map(Number);
    if (values.some((v) => Number.isNaN(v))) {
      if (rows.length === 0 && headerLine === undefined) {
        headerLine = line; // a plain (non-comment) header row, as in CSV files
        continue;
      }
      throw new Error(`${source}: line ${ln + 1}: non-numeric value in '${line.slice(0, 60)}'`);
    }
    if (rows.length > 0 && values.length !== rows[0].length) {
      throw new Error(`${source}: line ${ln + 1} has ${values.length} values, expected ${rows[0].length} like the first data row`);
    }
    rows.push(values);
  }
  if (rows.length === 0) throw new Error(`${source}: no numeric data rows found`);
  const nCols = rows[0].length;
  const meta: Record<string, string> = {};
  for (const c of comments) {
    const m = /^([A-Za-z][\w ]*?):\s+(.*)$/.exec(c);
    if (m) meta[m[1].trim()] = m[2].trim();
  }
  const candidate = headerLine ?? comments[comments.length - 1];
  const headers =
    (candidate !== undefined ? splitHeader(candidate, nCols, delimiter) : undefined) ?? Array.from({ length: nCols }, (_, j) => `col${j}`);

  const nRows = rows.length;
  const column = (j: number) => Float64Array.from(rows, (r) => r[j]);
  const names: string[] = [];
  const arrays: Record<string, ReferenceArray> = {};
  const stamped = new Map<string, { cols: number[]; times: number[] }>();
  headers.forEach((h, j) => {
    const m = STAMP.exec(h);
    if (m) {
      const key = baseName(m[1]);
      const g = stamped.get(key) ?? { cols: [], times: [] };
      g.cols.push(j);
      g.times.push(Number(m[2]));
      stamped.set(key, g);
      if (!names.includes(key)) names.push(key);
      return;
    }
    let name = baseName(h);
    if (arrays[name]) name = h.trim();
    if (arrays[name]) name = `${name}#${j}`;
    names.push(name);
    arrays[name] = { data: column(j), shape: [nRows] };
  });
  let times: Float64Array | undefined;
  for (const [key, g] of stamped) {
    const data = new Float64Array(nRows * g.cols.length);
    for (let i = 0; i < nRows; i++) for (let k = 0; k < g.cols.length; k++) data[i * g.cols.length + k] = rows[i][g.cols[k]];
    arrays[key] = { data, shape: [nRows, g.cols.length] };
    const t = Float64Array.from(g.times);
    if (times && (times.length !== t.length || times.some((v, i) => v !== t[i]))) {
      throw new Error(`${source}: columns '${key}' use a different time axis than earlier stamped columns`);
    }
    times = t;
  }
  if (times) {
    if (arrays.t) throw new Error(`${source}: a column named 't' clashes with the '@ t=' time axis`);
    names.push('t');
    arrays.t = { data: times, shape: [times.length] };
  }
  return { source, format: 'table', names, arrays, ...(times ? { times } : {}), meta };
}
