// Loading a sweep file: the schema (same one-line key-path errors as configs), its key paths, and every planned
// run's config validated up front, so a misspelt key or a bad value is refused at the sweep key that produced it.
import { dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from './errors.js';
import { describeIssue, emitConfigWarning, firstIssue, formatPath, parseConfigText, parseYamlText, readConfigText } from './config.js';
import { parseKeyPath, type Override } from './overrides.js';
import { planRuns, type PlannedRun } from './sweepPlan.js';
import { sweepSchema, type SweepFile } from './sweepSchema.js';
import type { RunConfig } from './schema.js';

export interface LoadedSweep {
  sweep: SweepFile;
  runs: PlannedRun[];
  /** The base config file, or undefined for an inline base (its text is `baseText`). */
  basePath?: string;
  baseText: string;
  /** Where the base config's relative paths are resolved. */
  configDir: string;
  /** The base config with the sweep's fixed `set` overrides (name, kind: for messages). */
  config: RunConfig;
}

/** Overrides of one run: the fixed `set`, then its setting, then its seed. */
export function runOverrides(sweep: SweepFile, run: PlannedRun): Override[] {
  const entries: [string, unknown][] = [...Object.entries(sweep.set), ...Object.entries(run.setting), ['seed', run.seed]];
  return entries.map(([k, value]) => ({ path: parseKeyPath(k), value, text: `${k}=${JSON.stringify(value)}` }));
}

/** The sweep key each config key path came from: `set.training.steps`, `grid.training.lr`, `random.params.x`. */
function sourcesOf(sweep: SweepFile): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of Object.keys(sweep.set)) m.set(k, `set.${k}`);
  for (const k of Object.keys(sweep.grid)) m.set(k, `grid.${k}`);
  for (const k of Object.keys(sweep.random?.params ?? {})) m.set(k, `random.params.${k}`);
  return m;
}

function checkKeys(sweep: SweepFile): void {
  const seen = new Map<string, string>();
  const sections: [string, Record<string, unknown>][] = [
    ['set', sweep.set],
    ['grid', sweep.grid],
    ['random.params', sweep.random?.params ?? {}],
  ];
  for (const [section, rec] of sections)
    for (const k of Object.keys(rec)) {
      const where = `${section}.${k}`;
      const path = formatPath(parseKeyPath(k, where));
      if (path === 'seed') throw new ConfigError(`${where}: expected a key other than seed (list the seeds under seeds:)`);
      if (path === 'name' || path === 'kind')
        throw new ConfigError(`${where}: expected a key other than ${path} (fixed by the base config)`);
      const other = seen.get(path);
      if (other) throw new ConfigError(`${where}: also set by ${other}; give each key path one place`);
      seen.set(path, where);
    }
  if (Array.isArray(sweep.seeds) && new Set(sweep.seeds).size !== sweep.seeds.length)
    throw new ConfigError(`seeds: expected distinct seeds, got ${JSON.stringify(sweep.seeds)}`);
}

/** A config error of one run, moved to the sweep key that set the offending config key. */
function attribute(message: string, sources: Map<string, string>, run: PlannedRun): string {
  let best: string | undefined;
  for (const k of sources.keys())
    if ((message.startsWith(k) && /^[:.[\s]/.test(message.slice(k.length))) || message.startsWith(`${k}:`))
      if (!best || k.length > best.length) best = k;
  if (best) return `${sources.get(best)!.slice(0, -best.length)}${message}`;
  if (/^seed\b/.test(message)) return `seeds: ${message}`;
  const setting = Object.entries(run.setting)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${run.id}${setting ? ` (${setting})` : ''}: ${message}`;
}

/** Reads and checks a sweep file and plans its runs; `warn` gets the base config's deprecation warnings. */
export function loadSweep(path: string, warn: (message: string) => void = emitConfigWarning): LoadedSweep {
  const data = parseYamlText(readConfigText(path), path);
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(`${path}: expected a YAML mapping at the top level`);
  const r = sweepSchema.safeParse(data);
  if (!r.success) throw new ConfigError(describeIssue(firstIssue(r.error.issues), data, sweepSchema));
  const sweep = r.data;
  checkKeys(sweep);
  const sweepDir = dirname(resolve(path));
  const basePath = typeof sweep.base === 'string' ? resolve(sweepDir, sweep.base) : undefined;
  const baseText = basePath ? readConfigText(basePath) : stringify(sweep.base, { lineWidth: 0 });
  const configDir = basePath ? dirname(basePath) : sweepDir;
  const baseSource = basePath ?? 'base';
  // the base alone first: its own problems are named there
  try {
    parseConfigText(baseText, baseSource, warn);
  } catch (e) {
    if (!(e instanceof ConfigError) || e.message.startsWith(baseSource)) throw e;
    throw new ConfigError(basePath ? `base (${sweep.base}): ${e.message}` : `base.${e.message}`);
  }
  const runs = planRuns(sweep);
  const sources = sourcesOf(sweep);
  for (const run of runs) {
    try {
      parseConfigText(baseText, baseSource, () => {}, runOverrides(sweep, run));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ConfigError(attribute(e.message, sources, run));
    }
  }
  const fixed = Object.entries(sweep.set).map(([k, value]) => ({ path: parseKeyPath(k), value, text: k }));
  const config = parseConfigText(baseText, baseSource, () => {}, fixed);
  return { sweep, runs, basePath, baseText, configDir, config };
}
