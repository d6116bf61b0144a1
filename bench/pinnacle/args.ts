// Command line of `npm run bench:pinnacle`. Bad input throws UsageError naming the flag (the script exits 2).
import { METHOD_IDS, isMethodId, type MethodId } from './methods.js';

export const QUICK_STEPS = 500;
export const DEFAULT_BUDGET_MIN = 15;

export const USAGE = `usage: npm run bench:pinnacle -- [--quick] [--only a,b] [--seeds N] [--first-seed K] [--methods m1,m2] [--budget-min M] [--steps N]
                              [--table-only] [--records FILE] [--results FILE] [--runs-dir DIR]
  --quick        ${QUICK_STEPS} steps per run, one seed (default: each config's own steps)
  --only a,b     these problems (ids of bench/pinnacle/<id>.yaml; default all)
  --seeds N      seeds per problem and method, the config's seed + K..K+N-1 (default 1)
  --first-seed K the first seed offset K (default 0; e.g. --seeds 2 --first-seed 1 adds seeds 1 and 2 to a row with seed 0)
  --methods m,.. ${METHOD_IDS.join(', ')} (default vanilla)
  --budget-min M wall-clock cap per run in minutes: SIGINT at M, the run keeps its state at that step (default ${DEFAULT_BUDGET_MIN})
  --steps N      training steps per run (overrides --quick's ${QUICK_STEPS})
  --table-only   only regenerate the results table from the records
  --records FILE records file (default bench/pinnacle/records.jsonl)
  --results FILE table file (default bench/results-pinnacle.md)
  --runs-dir DIR run directories and method variants of the configs (default runs/pinnacle)`;

export interface SuiteOptions {
  quick: boolean;
  /** problem ids; undefined = all */
  only?: string[];
  seeds: number;
  /** offset of the first seed from the config's own */
  firstSeed: number;
  methods: MethodId[];
  budgetMin: number;
  /** steps per run; undefined = each config's own */
  steps?: number;
  tableOnly: boolean;
  /** overrides of the default records / results files */
  records?: string;
  results?: string;
  runsDir?: string;
  help: boolean;
}

export class UsageError extends Error {}

function list(flag: string, v: string): string[] {
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${flag}: expected a comma-separated list without empty items, got '${v}'`);
  return items;
}

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag}: expected a positive integer, got '${v}'`);
  return Number(v);
}

function positiveNumber(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: expected a positive number of minutes, got '${v}'`);
  return n;
}

const VALUE_FLAGS = [
  '--only',
  '--seeds',
  '--first-seed',
  '--methods',
  '--budget-min',
  '--steps',
  '--records',
  '--results',
  '--runs-dir',
] as const;
const BOOLEAN_FLAGS = ['--quick', '--table-only', '--help'] as const;

export function parseArgs(argv: readonly string[]): SuiteOptions {
  const o: SuiteOptions = {
    quick: false,
    seeds: 1,
    firstSeed: 0,
    methods: ['vanilla'],
    budgetMin: DEFAULT_BUDGET_MIN,
    tableOnly: false,
    help: false,
  };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    if (seen.has(flag)) throw new UsageError(`${flag}: given twice`);
    seen.add(flag);
    if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
      if (eq > 0 && raw.startsWith('--')) throw new UsageError(`${flag}: takes no value, got '${raw.slice(eq + 1)}'`);
      if (flag === '--quick') o.quick = true;
      else if (flag === '--table-only') o.tableOnly = true;
      else o.help = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) throw new UsageError(`${raw}: unknown option (see --help)`);
    let v: string;
    if (eq > 0) v = raw.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag}: expected a value`);
      v = next;
      i++;
    }
    switch (flag as (typeof VALUE_FLAGS)[number]) {
      case '--only':
        o.only = list(flag, v);
        break;
      case '--seeds':
        o.seeds = positiveInt(flag, v);
        break;
      case '--first-seed':
        if (!/^\d+$/.test(v)) throw new UsageError(`${flag}: expected a non-negative integer, got '${v}'`);
        o.firstSeed = Number(v);
        break;
      case '--methods': {
        const ms = list(flag, v);
        const bad = ms.find((m) => !isMethodId(m));
        if (bad !== undefined) throw new UsageError(`--methods: unknown method '${bad}' (known: ${METHOD_IDS.join(', ')})`);
        o.methods = [...new Set(ms)] as MethodId[];
        break;
      }
      case '--budget-min':
        o.budgetMin = positiveNumber(flag, v);
        break;
      case '--steps':
        o.steps = positiveInt(flag, v);
        break;
      case '--records':
        o.records = v;
        break;
      case '--results':
        o.results = v;
        break;
      case '--runs-dir':
        o.runsDir = v;
        break;
    }
  }
  if (o.quick && o.steps === undefined) o.steps = QUICK_STEPS;
  return o;
}

/** The setting a run's requested steps stand for in the tables. */
export type Setting = 'quick' | 'full' | 'custom';
export const settingOf = (steps: number | undefined): Setting =>
  steps === undefined ? 'full' : steps === QUICK_STEPS ? 'quick' : 'custom';
