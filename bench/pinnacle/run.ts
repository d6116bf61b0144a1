// `npm run bench:pinnacle -- [--quick] [--only a,b] [--seeds N] [--first-seed K] [--methods m1,m2] [--budget-min M] [--steps N]
// [--table-only]`: trains every selected PINNacle problem x method x seed as its own `fluxion run` process (one at
// a time: the machine is shared), appends one record per run to bench/pinnacle/records.jsonl, and regenerates
// bench/results-pinnacle.md from all records. Options: bench/pinnacle/args.ts (USAGE).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, UsageError, parseArgs, settingOf, type SuiteOptions } from './args.js';
import { executeRun } from './execute.js';
import { configSteps, methodConfig, type MethodId } from './methods.js';
import { configYamlAt, discoverProblems, readConfig, selectProblems, type Problem } from './problems.js';
import { appendRecord, configDigest, gitCommit, machine, readRecords, type RunRecord } from './records.js';
import { renderResults } from './table.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_DIR = join(REPO, 'bench', 'pinnacle');
const CLI = join(REPO, 'bin', 'fluxion.js');
/** Where run directories and the method variants of configs go by default (git-ignored). */
const RUNS = join(REPO, 'runs', 'pinnacle');

interface Job {
  problem: Problem;
  method: MethodId;
  k: number;
}

/** Writes the results table from every record of `recordsFile`. */
export function writeTable(recordsFile: string, resultsFile: string): void {
  const records = readRecords(recordsFile);
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  const md = renderResults(records, {
    recordsFile: relative(REPO, recordsFile) || recordsFile,
    commits: uniq(records.map((r) => r.commit)),
    machines: uniq(records.map((r) => r.machine.replace(/, load [\d.]+$/, ''))),
  });
  writeFileSync(resultsFile, md);
  console.log(`wrote ${relative(REPO, resultsFile) || resultsFile} (${records.length} records)`);
}

async function runJob(job: Job, o: SuiteOptions, recordsFile: string, label: string): Promise<RunRecord> {
  const config = readConfig(job.problem.file);
  const stepsRequested = o.steps ?? configSteps(config);
  if (stepsRequested === undefined) throw new UsageError(`${job.problem.file}: training.steps is not set; give --steps`);
  const variant = methodConfig(config, job.method, stepsRequested, job.k);
  const seed = variant.seed as number;
  const name = `${job.problem.id}-${job.method}-s${seed}-n${stepsRequested}`;
  const runs = resolve(o.runsDir ?? RUNS);
  const cfgFile = join(runs, `${name}.yaml`);
  const outDir = join(runs, name);
  mkdirSync(runs, { recursive: true });
  rmSync(outDir, { recursive: true, force: true }); // a stale checkpoint or lock of an earlier run
  const cfgText = configYamlAt(variant, job.problem.file, cfgFile);
  writeFileSync(cfgFile, cfgText);
  const budgetS = o.budgetMin * 60;
  const started = machine();
  console.log(`${label} ${job.problem.id} / ${job.method} / seed ${seed}: ${stepsRequested} steps, budget ${o.budgetMin} min`);
  // the code that runs is the one checked out now (the tree may move on while a 15-minute run trains)
  const commit = gitCommit(REPO);
  const r = await executeRun({
    cli: CLI,
    config: cfgFile,
    outDir,
    steps: o.steps,
    budgetS,
    onProgress: (line) => console.log(`    ${line}`),
  });
  const record: RunRecord = {
    problem: job.problem.id,
    config: relative(REPO, job.problem.file),
    config_sha256: configDigest(cfgText),
    method: job.method,
    seed,
    setting: settingOf(o.steps),
    steps_requested: stepsRequested,
    steps: r.steps,
    wall_s: Math.round(r.wallS * 10) / 10,
    budget_s: budgetS,
    status: r.status,
    l2re: r.l2re,
    ...(r.perField ? { l2re_fields: r.perField } : {}),
    date: new Date().toISOString(),
    commit,
    machine: started,
    ...(r.backend ? { backend: r.backend } : {}),
    ...(r.message ? { message: r.message } : {}),
  };
  appendRecord(recordsFile, record);
  const l2 = r.l2re === null ? '' : `, L2RE ${r.l2re.toExponential(3)}`;
  const fields = r.perField
    ? ` (${Object.entries(r.perField)
        .map(([f, v]) => `${f} ${v.toExponential(2)}`)
        .join(', ')})`
    : '';
  console.log(`    ${r.status}: ${r.steps} steps in ${r.wallS.toFixed(0)} s${l2}${fields}${r.message ? `: ${r.message}` : ''}`);
  return record;
}

export async function main(argv: readonly string[]): Promise<number> {
  let o: SuiteOptions;
  let jobs: Job[] = [];
  try {
    o = parseArgs(argv);
    if (o.help) {
      console.log(USAGE);
      return 0;
    }
    if (!o.tableOnly) {
      if (!existsSync(join(REPO, 'dist', 'runner', 'cli.js'))) throw new UsageError('dist/ is missing: run `npm run build` first');
      const problems = selectProblems(discoverProblems(BENCH_DIR, REPO), o.only);
      jobs = problems.flatMap((problem) =>
        o.methods.flatMap((method) => Array.from({ length: o.seeds }, (_, k) => ({ problem, method, k: o.firstSeed + k }))),
      );
    }
  } catch (e) {
    console.error(`bench:pinnacle: ${(e as Error).message}`);
    return 2;
  }
  const recordsFile = resolve(o.records ?? join(BENCH_DIR, 'records.jsonl'));
  const resultsFile = resolve(o.results ?? join(REPO, 'bench', 'results-pinnacle.md'));
  if (jobs.length) {
    const steps = o.steps === undefined ? "each config's own steps" : `${o.steps} steps`;
    console.log(
      `PINNacle suite: ${jobs.length} runs (${new Set(jobs.map((j) => j.problem.id)).size} problems x ${o.methods.join(', ')} x ${o.seeds} seed${o.seeds > 1 ? 's' : ''}), ${steps}, at most ${o.budgetMin} min each`,
    );
    const t0 = performance.now();
    for (const [i, job] of jobs.entries()) {
      await runJob(job, o, recordsFile, `[${i + 1}/${jobs.length}]`);
      writeTable(recordsFile, resultsFile); // after every run, so an interrupted suite still leaves a current table
    }
    console.log(`suite done in ${((performance.now() - t0) / 60000).toFixed(1)} min`);
  } else writeTable(recordsFile, resultsFile);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`bench:pinnacle: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
