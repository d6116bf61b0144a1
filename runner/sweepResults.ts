// A sweep's results: one row per planned run from its summary.json, written as results.csv, and summary.md with the
// best run and the mean / standard deviation over seeds of each setting. Both are functions of the runs' outputs
// only (no wall times in summary.md), so they do not depend on the number of workers or on interruptions.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from './outputs.js';
import type { PlannedRun } from './sweepPlan.js';

/** 'pending': not run (yet); 'failed': the run exited with an error (its run.log says why). */
export type RunRowStatus = Summary['status'] | 'pending';

export interface RunRow {
  run: PlannedRun;
  status: RunRowStatus;
  steps?: number;
  loss?: number;
  l2re?: number;
  wallTime?: number;
}

export type Metric = 'l2re' | 'loss';

export function readSummary(runDir: string): Summary | undefined {
  const p = join(runDir, 'summary.json');
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Summary;
  } catch {
    return undefined; // torn by a kill: the run is not finished
  }
}

export function rowFromSummary(run: PlannedRun, s: Summary | undefined): RunRow {
  if (!s) return { run, status: 'pending' };
  return { run, status: s.status, steps: s.steps, loss: s.loss, l2re: s.l2re, wallTime: s.wall_time };
}

const csvCell = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The setting's keys in the order they first appear. */
export function settingKeys(runs: readonly PlannedRun[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.setting)) keys.add(k);
  return [...keys];
}

/** results.csv: run_id, setting, seed, one column per swept key, status, steps, loss, l2re, wall_time. */
export function resultsCsv(rows: readonly RunRow[]): string {
  const keys = settingKeys(rows.map((r) => r.run));
  const head = ['run_id', 'setting', 'seed', ...keys, 'status', 'steps', 'loss', 'l2re', 'wall_time'];
  const lines = rows.map((r) =>
    [r.run.id, r.run.settingId, r.run.seed, ...keys.map((k) => r.run.setting[k]), r.status, r.steps, r.loss, r.l2re, r.wallTime]
      .map(csvCell)
      .join(','),
  );
  return `${[head.map(csvCell).join(','), ...lines].join('\n')}\n`;
}

export interface SettingStats {
  settingId: string;
  setting: Record<string, unknown>;
  /** Completed runs of the setting. */
  n: number;
  /** All planned runs of the setting. */
  runs: number;
  mean?: number;
  /** Sample standard deviation (n - 1); undefined for fewer than two runs. */
  std?: number;
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/** Mean and sample standard deviation of the metric over the completed runs of each setting, in plan order. */
export function settingStats(rows: readonly RunRow[], metric: Metric): SettingStats[] {
  const by = new Map<string, RunRow[]>();
  for (const r of rows) {
    const list = by.get(r.run.settingId);
    if (list) list.push(r);
    else by.set(r.run.settingId, [r]);
  }
  return [...by.values()].map((list) => {
    const vs = list
      .filter((r) => r.status === 'completed')
      .map((r) => r[metric])
      .filter(finite);
    const mean = vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : undefined;
    const std = mean !== undefined && vs.length > 1 ? Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / (vs.length - 1)) : undefined;
    return { settingId: list[0].run.settingId, setting: list[0].run.setting, n: vs.length, runs: list.length, mean, std };
  });
}

/** The completed run with the lowest metric (the first in plan order on a tie). */
export function bestRun(rows: readonly RunRow[], metric: Metric): RunRow | undefined {
  let best: RunRow | undefined;
  for (const r of rows) {
    const v = r[metric];
    if (r.status !== 'completed' || !finite(v)) continue;
    if (!best || v < (best[metric] as number)) best = r;
  }
  return best;
}

const num = (v: number | undefined): string => (v === undefined ? '-' : v.toExponential(4));
const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const settingText = (s: Record<string, unknown>): string =>
  Object.keys(s).length
    ? Object.entries(s)
        .map(([k, v]) => `${k}=${value(v)}`)
        .join(', ')
    : '(base config)';

export function statusCounts(rows: readonly RunRow[]): Record<RunRowStatus, number> {
  const c: Record<RunRowStatus, number> = { completed: 0, diverged: 0, interrupted: 0, failed: 0, pending: 0 };
  for (const r of rows) c[r.status]++;
  return c;
}

/** summary.md: counts, the best run, and a table of every setting's mean and std over its seeds. */
export function summaryMarkdown(name: string, rows: readonly RunRow[], metric: Metric): string {
  const counts = statusCounts(rows);
  const keys = settingKeys(rows.map((r) => r.run));
  const best = bestRun(rows, metric);
  const out = [
    `# Sweep ${name}`,
    '',
    `${rows.length} runs: ${Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}. Metric: ${metric} (lower is better).`,
    '',
    '## Best run',
    '',
    best
      ? `\`${best.run.id}\` (seed ${best.run.seed}): ${metric} ${num(best[metric])}; ${settingText(best.run.setting)}`
      : 'none completed yet',
    '',
    `## Per setting (${metric} over seeds; std is the sample standard deviation)`,
    '',
    `| setting | ${keys.map((k) => `${k} | `).join('')}completed | mean | std |`,
    `| --- | ${keys.map(() => '--- | ').join('')}--- | --- | --- |`,
  ];
  for (const s of settingStats(rows, metric))
    out.push(
      `| ${s.settingId} | ${keys.map((k) => `${value(s.setting[k]) ?? ''} | `).join('')}${s.n}/${s.runs} | ${num(s.mean)} | ${num(s.std)} |`,
    );
  return `${out.join('\n')}\n`;
}
