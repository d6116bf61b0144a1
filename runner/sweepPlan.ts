// The runs of a sweep: grid settings crossed with seeded random draws, each repeated over the seeds, cut to the
// budget's max_runs. Run ids are derived from the setting and the seed only, so they survive reordering and reruns.
import { createHash } from 'node:crypto';
import { Rng } from '../core/random.js';
import type { Distribution, SweepFile } from './sweepSchema.js';

/** Key path -> value, in the sweep file's key order (grid keys, then random ones). */
export type Setting = Record<string, unknown>;

export interface PlannedRun {
  /** `<8 hex digits of the setting's hash>-s<seed>` (`base-s<seed>` for a sweep over seeds only). */
  id: string;
  /** The setting's hash (shared by its seeds). */
  settingId: string;
  setting: Setting;
  seed: number;
}

/** Stable hash of a setting: independent of key order. */
export function settingId(setting: Setting): string {
  const keys = Object.keys(setting).sort();
  if (keys.length === 0) return 'base';
  const canonical = JSON.stringify(keys.map((k) => [k, setting[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 8);
}

/** Every combination of the grid's values (the last key varies fastest); one empty setting without a grid. */
export function gridSettings(grid: Record<string, readonly unknown[]>): Setting[] {
  let out: Setting[] = [{}];
  for (const [key, values] of Object.entries(grid)) out = out.flatMap((s) => values.map((v) => ({ ...s, [key]: v })));
  return out;
}

function draw(d: Distribution, rng: Rng): unknown {
  if (d.uniform) return d.uniform[0] + rng.uniform() * (d.uniform[1] - d.uniform[0]);
  if (d.log_uniform) {
    const [lo, hi] = d.log_uniform.map(Math.log);
    return Math.exp(lo + rng.uniform() * (hi - lo));
  }
  if (d.int) return d.int[0] + rng.int(d.int[1] - d.int[0] + 1);
  const choice = d.choice ?? [];
  return choice[rng.int(choice.length)];
}

/** `count` settings drawn from `params` with a seeded generator (the same seed gives the same draws). */
export function randomSettings(random: SweepFile['random']): Setting[] {
  if (!random) return [{}];
  const rng = new Rng(random.seed);
  return Array.from({ length: random.count }, () => {
    const s: Setting = {};
    for (const [key, d] of Object.entries(random.params)) s[key] = draw(d, rng);
    return s;
  });
}

export function seedList(seeds: SweepFile['seeds']): number[] {
  return typeof seeds === 'number' ? Array.from({ length: seeds }, (_, i) => i) : [...seeds];
}

/** The sweep's runs in order: setting by setting, all seeds of each; at most budget.max_runs. */
export function planRuns(sweep: SweepFile): PlannedRun[] {
  const randoms = randomSettings(sweep.random);
  const settings = gridSettings(sweep.grid).flatMap((g) => randoms.map((r) => ({ ...g, ...r })));
  const runs: PlannedRun[] = [];
  const seen = new Set<string>();
  for (const setting of settings) {
    const sid = settingId(setting);
    if (seen.has(sid)) continue; // a repeated grid value or draw is one setting
    seen.add(sid);
    for (const seed of seedList(sweep.seeds)) runs.push({ id: `${sid}-s${seed}`, settingId: sid, setting, seed });
  }
  return sweep.budget.max_runs === undefined ? runs : runs.slice(0, sweep.budget.max_runs);
}
