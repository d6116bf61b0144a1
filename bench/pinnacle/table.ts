// bench/results-pinnacle.md from the run records: per problem our best L2RE beside PINNacle's published numbers,
// and per problem x method the L2RE at the quick setting. Pure: records and published rows in, markdown out.
import { QUICK_STEPS, type Setting } from './args.js';
import { METHOD_IDS, METHODS, isMethodId } from './methods.js';
import { PUBLISHED, publishedBest, publishedVanilla, unverified } from './published.js';
import type { RunRecord, RunStatus } from './records.js';
import { mdTable } from '../markdown.js';

/** The runs of one problem config, method and setting over seeds. */
export interface Group {
  problem: string;
  /** the config trained (repo-relative), when the records say */
  config?: string;
  method: string;
  setting: Setting;
  stepsRequested: number;
  /** seeds with an L2RE */
  n: number;
  /** mean and sample standard deviation (n - 1) of L2RE over those seeds; std null for one seed */
  mean: number | null;
  std: number | null;
  /** mean steps trained and mean training wall time over all seeds */
  steps: number;
  wallS: number;
  /** how the runs without an L2RE ended */
  failures: RunStatus[];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation; null below two values. */
export function sampleStd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Groups by (problem, config, method, setting, steps requested); a seed run twice counts once, by its latest record. */
export function aggregate(records: readonly RunRecord[]): Group[] {
  const latest = new Map<string, RunRecord>();
  for (const r of records) latest.set(JSON.stringify([r.problem, r.config, r.method, r.setting, r.steps_requested, r.seed]), r);
  const groups = new Map<string, RunRecord[]>();
  for (const r of latest.values()) {
    const k = JSON.stringify([r.problem, r.config, r.method, r.setting, r.steps_requested]);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()].map((rs) => {
    const l2 = rs.map((r) => r.l2re).filter((v): v is number => v !== null && Number.isFinite(v));
    return {
      problem: rs[0].problem,
      ...(rs[0].config !== undefined ? { config: rs[0].config } : {}),
      method: rs[0].method,
      setting: rs[0].setting,
      stepsRequested: rs[0].steps_requested,
      n: l2.length,
      mean: l2.length ? mean(l2) : null,
      std: sampleStd(l2),
      steps: mean(rs.map((r) => r.steps)),
      wallS: mean(rs.map((r) => r.wall_s)),
      failures: rs.filter((r) => r.l2re === null).map((r) => r.status),
    };
  });
}

/** 3 significant digits; exponent form below 1e-3. */
export const fmt = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3));

function l2Cell(g: Group): string {
  if (g.mean === null) return g.failures.join(', ') || '—';
  return g.std === null ? fmt(g.mean) : `${fmt(g.mean)} ± ${fmt(g.std)}`;
}

/** The group of lowest mean L2RE (ties: fewer steps, then method order), or undefined when none has one. */
export function bestGroup(groups: readonly Group[]): Group | undefined {
  const order = (m: string): number => (isMethodId(m) ? METHOD_IDS.indexOf(m) : METHOD_IDS.length);
  return groups
    .filter((g) => g.mean !== null)
    .sort((a, b) => a.mean! - b.mean! || a.stepsRequested - b.stepsRequested || order(a.method) - order(b.method))[0];
}

const methodOrder = (ms: Iterable<string>): string[] => {
  const present = new Set(ms);
  return [...METHOD_IDS.filter((m) => present.has(m)), ...[...present].filter((m) => !isMethodId(m)).sort()];
};

/** Distinct ids in the paper's order (published.ts), then ids it does not have, sorted. */
function problemOrder(ids: readonly string[]): string[] {
  const set = new Set(ids);
  const paper = Object.keys(PUBLISHED).filter((p) => set.has(p));
  return [...paper, ...[...set].filter((p) => !Object.hasOwn(PUBLISHED, p)).sort()];
}

/** ' (configs/x.yaml)' when a group trained another config than bench/pinnacle/<id>.yaml (a stand-in), else ''. */
const standIn = (g: Group): string => (g.config !== undefined && g.config !== `bench/pinnacle/${g.problem}.yaml` ? ` (${g.config})` : '');

function publishedCells(problem: string): [string, string] {
  const v = publishedVanilla(problem);
  const b = publishedBest(problem);
  const dagger = (m: Parameters<typeof unverified>[1]): string => (unverified(problem, m) ? ' †' : '');
  return [v === null ? '—' : fmt(v), b === null ? '—' : `${fmt(b.l2re)} (${b.method}${dagger(b.method)})`];
}

/** Table 1: per problem, our best group beside PINNacle's vanilla and best published L2RE. */
export function bestTable(groups: readonly Group[]): string {
  const problems = problemOrder([...Object.keys(PUBLISHED), ...groups.map((g) => g.problem)]);
  const rows = problems.map((p) => {
    const name = PUBLISHED[p]?.name ?? '—';
    const [pv, pb] = publishedCells(p);
    const mine = groups.filter((g) => g.problem === p);
    const b = bestGroup(mine);
    if (!b) {
      const why = mine.length ? mine.flatMap((g) => g.failures).join(', ') : 'not run';
      return [p, name, why, '', '', '', '', pv, pb];
    }
    const steps = b.steps < b.stepsRequested ? `${Math.round(b.steps)} of ${b.stepsRequested}` : `${b.stepsRequested}`;
    return [p, name, l2Cell(b), `${b.n}`, `${b.method}${standIn(b)}`, `${steps} (${b.setting})`, b.wallS.toFixed(0), pv, pb];
  });
  const header = ['problem', 'PINNacle', 'ours: best L2RE (mean ± std)', 'seeds', 'method', 'steps', 'wall (s)', 'PINNacle PINN'];
  return mdTable([...header, 'PINNacle best (method)'], rows);
}

/** Table 2: L2RE per problem x method at the quick setting; the row's best in bold. */
export function quickTable(groups: readonly Group[]): string {
  const quick = groups.filter((g) => g.setting === 'quick');
  if (!quick.length) return `(no runs at the quick setting yet: \`npm run bench:pinnacle -- --quick\`)`;
  const methods = methodOrder(quick.map((g) => g.method));
  // one row per problem and config trained (a stand-in config's runs stay apart from the problem's own config)
  const rowKeys = problemOrder(quick.map((g) => g.problem)).flatMap((p) =>
    [...new Set(quick.filter((g) => g.problem === p).map((g) => g.config))].map((c) => ({ p, c })),
  );
  const rows = rowKeys.map(({ p, c }) => {
    const mine = quick.filter((g) => g.problem === p && g.config === c);
    const best = bestGroup(mine);
    const cells = methods.map((m) => {
      const g = mine.find((x) => x.method === m);
      if (!g) return '';
      const c = l2Cell(g);
      return g === best ? `**${c}**` : c;
    });
    return [`${p}${standIn(mine[0])}`, ...cells];
  });
  return mdTable(['problem', ...methods], rows);
}

/** The method legend: our id, what it does, the PINNacle column it compares with. */
export function methodLegend(): string {
  return METHOD_IDS.map((m) => {
    const col = METHODS[m].pinnacle;
    return `- \`${m}\`${col ? ` (PINNacle's ${col} column)` : ''}: ${METHODS[m].about}`;
  }).join('\n');
}

export interface Provenance {
  /** the records file, as shown to readers */
  recordsFile: string;
  /** distinct commits and machines of the records */
  commits: string[];
  machines: string[];
}

export function renderResults(records: readonly RunRecord[], prov: Provenance): string {
  const groups = aggregate(records);
  return `# PINNacle suite results

Generated by \`npm run bench:pinnacle -- --table-only\` from \`${prov.recordsFile}\` (${records.length} runs; do not edit by hand).
Each run trains one config of \`bench/pinnacle/\` (their headers state how each differs from PINNacle: mostly a
smaller network and fewer points, to fit 15 minutes on 2 shared CPU cores), f32, wasm backend, capped at the
budget in the record (SIGINT, L2RE evaluated at the step reached). "quick" = ${QUICK_STEPS} steps, "full" = the
config's own steps. L2RE is over all fields jointly. Mean ± sample std over seeds (std only with 2 or more).
Hand-measured full-budget runs of part of the suite: \`bench/pinnacle/runs-p2.md\`.
Commits: ${prov.commits.join(', ') || '—'}. Machines: ${prov.machines.join('; ') || '—'} (shared machine: wall times are upper bounds).

PINNacle columns: mean L2RE of 3 runs from the paper's main table "Mean L2RE of different PINN variants"
(Hao et al., NeurIPS 2024 D&B, arXiv 2306.08827; vendored with provenance in \`bench/pinnacle/published.ts\`);
PINNacle's budget is 20000 Adam steps of a 5 x 100 network on a GPU. Best = lowest over its 12 method columns.
† = a cell no second table of the paper confirms (see published.ts).

## Best L2RE per problem

${bestTable(groups)}

## L2RE per method, quick setting (${QUICK_STEPS} steps)

Best of each row in bold.

${quickTable(groups)}

Methods:

${methodLegend()}
`;
}
