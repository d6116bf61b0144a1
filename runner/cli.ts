// The `fluxion` command line. main(argv) returns the exit code so tests can call it in-process;
// errors are one line (key path + expectation), stacks only with --debug.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { RUN_BACKENDS } from './backendChoice.js';
import { ConfigError, DivergenceError, EXIT, IoError } from './errors.js';
import { runConfig, validateFile } from './run.js';
import { runWarnings } from './warnings.js';
import { checkPinnSymbols, describeReadings } from './symbolCheck.js';
import { migrateText } from './migrate.js';
import { initConfig, initPdes } from './init.js';
import { configJsonSchema } from './jsonSchema.js';
import { runKinds, type RunKind } from './schema.js';
import { writeFileAtomic } from './fsio.js';
import { parseOverride, parseUnset, type Override } from './overrides.js';
// static: a dynamic import gives tests (tsx's require hook) a second copy of errors.ts, and its ConfigError exits 1
import { runSweep } from './sweep.js';
import { runQueuedSweep, runWorker } from './sweepQueue.js';
import { serveLane } from './sweepLane.js';
import { generateDataset, parseDatasetRequest, writeShard, type GenerateFlags } from './datasetGenerate.js';
import { datasetKinds } from './datasetSpec.js';
import type { TrainerFactory } from './trainer.js';
import type { BackendName } from '../core/index.js';

export interface MainDeps {
  /** Replaces every kind's trainer (tests). */
  trainerFactory?: TrainerFactory;
  /** `view` serves until this settles (default: until SIGINT). */
  viewUntil?: Promise<void>;
  /** `worker` takes jobs until this settles (default: until SIGINT / SIGTERM). */
  workerUntil?: Promise<void>;
  /** Output sinks (default process.stdout / process.stderr). */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const BACKENDS: readonly BackendName[] = ['wasm', 'gpu', 'js'];

function parseSteps(v: string, option = '--steps'): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new ConfigError(`${option}: expected a positive integer, got '${v}'`);
  return n;
}

/** `--backend`'s value, one of `allowed` (a run also takes webgpu; sweeps and bench the synchronous backends). */
function parseBackend<B extends string>(v: string | undefined, allowed: readonly B[]): B | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(`--backend: expected one of ${allowed.join(', ')}, got '${v}'`);
  return v as B;
}

/** Collects repeated `--set` options. */
const collect = (v: string, prev: string[]): string[] => [...prev, v];
const SET_HELP =
  'override a config key, the value read as YAML (repeatable): --set training.lr=1e-3 --set network.layers=[64,64]; a null value removes the key';
const UNSET_HELP =
  'remove a key of the config file, e.g. an optional section (repeatable; applied before --set): --unset training.finetune';

/** The overrides of `--unset` then `--set` (so `--unset a --set a.b=1` replaces the section). */
const overridesOf = (flags: { set: string[]; unset: string[] }): Override[] => [
  ...flags.unset.map(parseUnset),
  ...flags.set.map(parseOverride),
];

interface RunFlags {
  set: string[];
  unset: string[];
  configDir?: string;
  out?: string;
  resume?: boolean;
  backend?: string;
  steps?: string;
  quiet?: boolean;
}

export async function main(argv: readonly string[], deps: MainDeps = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => void process.stdout.write(t));
  const err = deps.err ?? ((t: string) => void process.stderr.write(t));
  const debug = argv.includes('--debug');
  let code: number = EXIT.ok;
  const program = new Command()
    .name('fluxion')
    .description('Physics-informed PDE solving and differentiable simulation')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError(false);

  program
    .command('run')
    .description('train the model a config describes; outputs go to runs/<name>/')
    .argument('<config>', 'config file (.yaml)')
    .option('--out <dir>', 'run directory (default runs/<name>)')
    .option('--resume', 'continue from the latest checkpoint in the run directory')
    .option('--backend <name>', `compute backend: ${RUN_BACKENDS.join(' | ')}`)
    .option('--steps <n>', 'override training.steps')
    .option('--quiet', 'no progress output')
    .option('--set <key=value>', SET_HELP, collect, [])
    .option('--unset <key>', UNSET_HELP, collect, [])
    .option('--config-dir <dir>', "resolve the config's relative paths against this directory (default: the config file's)")
    .action(async (configPath: string, flags: RunFlags) => {
      const r = await runConfig({
        configPath,
        overrides: overridesOf(flags),
        configDir: flags.configDir,
        outDir: flags.out,
        resume: !!flags.resume,
        backend: parseBackend(flags.backend, RUN_BACKENDS),
        steps: flags.steps === undefined ? undefined : parseSteps(flags.steps),
        quiet: !!flags.quiet,
        trainerFactory: deps.trainerFactory,
        log: (line) => err(`${line}\n`),
      });
      code = r.exitCode;
    });

  program
    .command('sweep')
    .description('run a grid / random search over config keys and seeds on a local worker pool; outputs go to runs/<sweep>/')
    .argument('<sweep>', 'sweep file (.yaml)')
    .option('--workers <n>', 'runs at once, one child process each, reused for its next runs (default: one per core, or FLUXION_THREADS)')
    .option('--out <dir>', 'sweep directory (default runs/<sweep name>)')
    .option('--backend <name>', `compute backend of every run: ${BACKENDS.join(' | ')}`)
    .option('--quiet', 'no progress output')
    .option('--queue <url>', 'enqueue the runs on a BullMQ queue in Redis (redis://host:port) for `fluxion worker`s and wait for them')
    .action(async (sweepPath: string, flags: { workers?: string; out?: string; backend?: string; quiet?: boolean; queue?: string }) => {
      const common = {
        sweepPath,
        outDir: flags.out,
        backend: parseBackend(flags.backend, BACKENDS),
        quiet: !!flags.quiet,
        log: (line: string) => err(`${line}\n`),
        tty: deps.err === undefined ? process.stderr : undefined,
      };
      if (flags.queue !== undefined && flags.workers !== undefined)
        throw new ConfigError('--workers: not with --queue (start `fluxion worker` processes instead)');
      const r =
        flags.queue === undefined
          ? await runSweep({ ...common, workers: flags.workers === undefined ? undefined : parseSteps(flags.workers, '--workers') })
          : await runQueuedSweep({ ...common, queue: flags.queue });
      code = r.exitCode;
    });

  program
    .command('worker')
    .description('take sweep runs from a BullMQ queue (fluxion sweep --queue) and run them, one at a time, until Ctrl-C')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://host:port')
    .requiredOption('--runs <dir>', 'the directory holding the sweep directories (default of fluxion sweep: runs), shared with the sweep')
    .option('--lock-duration <ms>', "ms a job's lock lasts without renewal before it counts as stalled and is retried (default 30000)")
    .action(async (flags: { queue: string; runs: string; lockDuration?: string }) => {
      code = await runWorker({
        queue: flags.queue,
        runs: flags.runs,
        lockDuration: flags.lockDuration === undefined ? undefined : parseSteps(flags.lockDuration, '--lock-duration'),
        log: (line) => err(`${line}\n`),
        runCli: (args, write) => main(args, { ...deps, out: write, err: write }),
        until: deps.workerUntil,
      });
    });

  program
    .command('pool-lane', { hidden: true })
    .description('run the jobs the local pool sends over IPC, in-process, until the pool closes the channel')
    .action(async () => {
      await serveLane((args, write) => main(args, { ...deps, out: write, err: write }));
    });

  const data = program.command('data').description('operator datasets: generate them shard by shard on the local worker pool');
  data
    .command('generate')
    .description('generate an operator dataset as .npz shards plus manifest.json; rerunning skips finished shards')
    .argument('<kind>', `generator: ${datasetKinds.join(' | ')}`)
    .option('--samples <n>', 'samples in the dataset')
    .option('--shards <n>', 'shards (one job each; default 1)')
    .option('--out <dir>', 'dataset directory (default datasets/<kind>)')
    .option(
      '--workers <n>',
      'shards at once, one child process each, reused for its next shards (default: one per core, or FLUXION_THREADS)',
    )
    .option('--seed <k>', "dataset seed; shard i's samples come from a seed derived from (seed, i) (default 0)")
    .option('--resolution <n>', 'grid points per axis (default: burgers 128, darcy 29, antiderivative 100)')
    .option('--nu <v>', 'burgers: viscosity (default 0.1)')
    .option('--t-final <t>', 'burgers: final time (default 1)')
    .option('--solver-resolution <n>', 'burgers: solver grid, a multiple of --resolution (default --resolution)')
    .option('--quiet', 'no progress output')
    .option('--queue <url>', 'enqueue the shards on a BullMQ queue in Redis (redis://host:port) for `fluxion worker`s and wait for them')
    .action(async (kind: string, flags: GenerateFlags & { out?: string; workers?: string; quiet?: boolean; queue?: string }) => {
      const req = parseDatasetRequest(kind, flags);
      if (flags.queue !== undefined && flags.workers !== undefined)
        throw new ConfigError('--workers: not with --queue (start `fluxion worker` processes instead)');
      const r = await generateDataset({
        ...req,
        outDir: flags.out,
        workers: flags.workers === undefined ? undefined : parseSteps(flags.workers, '--workers'),
        queue: flags.queue,
        quiet: !!flags.quiet,
        log: (line: string) => err(`${line}\n`),
        tty: deps.err === undefined ? process.stderr : undefined,
      });
      code = r.exitCode;
    });
  data
    .command('shard', { hidden: true })
    .description('write one shard of the dataset planned in --out (the job of data generate)')
    .argument('<index>', 'shard index')
    .requiredOption('--out <dir>', 'dataset directory holding manifest.json')
    .action((index: string, flags: { out: string }) => {
      writeShard(flags.out, Number(index));
    });

  program
    .command('validate')
    .description('check a config and print nothing but a verdict (or the resolved config with --print)')
    .argument('<config>', 'config file (.yaml)')
    .option('--print', 'print the resolved config (all defaults filled)')
    .option('--set <key=value>', SET_HELP, collect, [])
    .option('--unset <key>', UNSET_HELP, collect, [])
    .action((configPath: string, flags: { print?: boolean; set: string[]; unset: string[] }) => {
      const { config, yaml } = validateFile(configPath, (w) => err(`warning: ${w}\n`), overridesOf(flags));
      for (const w of runWarnings(config, undefined)) err(`warning: ${w}\n`);
      // --print: the resolved config, then what each PDE was understood as (YAML comments)
      const readings = flags.print && config.kind === 'pinn' ? `# understood as:\n${describeReadings(checkPinnSymbols(config))}` : '';
      out(flags.print ? yaml + readings : `${configPath}: valid ${config.kind} config '${config.name}'\n`);
    });

  program
    .command('init')
    .description('write a commented, runnable starting config (to stdout, or to --out)')
    .argument('<kind>', runKinds.join(' | '))
    .option('--pde <name>', `PINN problem: ${initPdes.join(' | ')} (default poisson)`)
    .option('--out <file>', 'write the config to this file (refused if it exists)')
    .action((kind: string, flags: { pde?: string; out?: string }) => {
      const text = initConfig(kind, flags.pde, flags.out);
      if (flags.out === undefined) return out(text);
      if (existsSync(flags.out)) throw new ConfigError(`--out: '${flags.out}' exists; choose another file or remove it`);
      writeFileAtomic(flags.out, text);
      out(`wrote ${flags.out} (check: fluxion validate ${flags.out}; train: fluxion run ${flags.out})\n`);
    });

  program
    .command('schema')
    .description('print the JSON Schema of config files (for editors: completion, descriptions, checks)')
    .option('--kind <kind>', `one kind's schema: ${runKinds.join(' | ')} (default: any kind)`)
    .action((flags: { kind?: string }) => {
      if (flags.kind !== undefined && !(runKinds as readonly string[]).includes(flags.kind))
        throw new ConfigError(`--kind: expected one of ${runKinds.join(', ')}, got '${flags.kind}'`);
      out(`${JSON.stringify(configJsonSchema(flags.kind as RunKind | undefined), null, 2)}\n`);
    });

  program
    .command('migrate')
    .description('rename deprecated camelCase keys of configs to snake_case (comments and layout kept); add or update the $schema modeline')
    .argument('<configs...>', 'config files (.yaml)')
    .option('--write', 'rewrite the files in place (default: only list what would change)')
    .action((files: string[], flags: { write?: boolean }) => {
      for (const file of files) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new ConfigError(`${file}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        const m = migrateText(text, file);
        for (const r of m.renames) out(`${file}: ${r.path.slice(0, -r.to.length)}${r.from} -> ${r.to}\n`);
        if (m.text === text) continue;
        if (flags.write) writeFileAtomic(file, m.text);
        else out(`${file}: would be rewritten (run with --write)\n`);
      }
    });

  program
    .command('view')
    .description('serve the run viewer (fields, metrics) for a run directory, or the sweep page for a sweep directory, on http://127.0.0.1')
    .argument('<run dir>', 'a run directory written by `fluxion run`, or a sweep directory written by `fluxion sweep`')
    .option('--port <n>', 'port (default: any free port)')
    .action(async (runDir: string, flags: { port?: string }) => {
      if (!existsSync(runDir) || !statSync(runDir).isDirectory())
        throw new ConfigError(`<run dir>: expected a run directory, got '${runDir}'`);
      const port = flags.port === undefined ? 0 : Number(flags.port);
      if (!/^\d+$/.test(flags.port ?? '0') || port > 65535)
        throw new ConfigError(`--port: expected an integer in 0..65535, got '${flags.port}'`);
      const { serveRun } = await import('../viewer/index.js');
      const server = await serveRun(runDir, { port });
      out(`viewing ${runDir} at ${server.url} (Ctrl-C to stop); in-browser GPU training demo: ${server.url}demo.html\n`);
      await (deps.viewUntil ?? new Promise<void>((r) => process.once('SIGINT', () => r())));
      await server.close();
    });

  program
    .command('bench')
    .description("time this machine's hot paths (compiled PINN step, matmul GFLOP/s) on each backend")
    .option('--backend <names>', `comma-separated backends (default wasm): ${BACKENDS.join(', ')}`)
    .option('--reps <n>', 'timed repeats per problem, best is reported (default 5)')
    .action(async (flags: { backend?: string; reps?: string }) => {
      const backends = (flags.backend ?? 'wasm').split(',').map((b) => parseBackend(b.trim(), BACKENDS) as BackendName);
      const reps = flags.reps === undefined ? 5 : parseSteps(flags.reps, '--reps');
      const { runBench, formatBenchRow } = await import('./bench.js');
      out(`backend     problem${' '.repeat(30)}best of ${reps}\n`);
      runBench(backends, reps, (r) => out(`${formatBenchRow(r)}\n`));
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help / --version exit 0; usage errors (unknown option, missing argument) are bad input.
      return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const error = e as Error;
    if (debug && error.stack) err(`${error.stack}\n`);
    else err(`error: ${tidyMessage(error.message)}\n`);
    if (e instanceof ConfigError) return EXIT.badInput;
    if (e instanceof DivergenceError) return EXIT.diverged;
    if (e instanceof IoError) return EXIT.io;
    return EXIT.failure;
  }
}

/** A message without a dangling ':' (one whose detail came back empty). */
export function tidyMessage(message: string): string {
  return message.replace(/[\s:;,]+$/, '') || 'unknown error';
}

/** True when this module is the process entry (node dist/runner/cli.js, or bin/fluxion.js importing it). */
function invokedAsCli(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  let real: string;
  try {
    real = realpathSync(entry);
  } catch {
    return false;
  }
  return real === fileURLToPath(import.meta.url) || /[\\/]bin[\\/]fluxion(\.js)?$/.test(real);
}

if (invokedAsCli()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${String(e)}\n`);
      process.exit(EXIT.failure);
    },
  );
}
