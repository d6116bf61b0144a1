// `fluxion data generate <kind>`: an operator dataset made shard by shard on the sweep's local pool, one job
// (`fluxion data shard i --out DIR`) per shard in the pool's child processes. Each shard is written atomically and recorded with its checksum in
// manifest.json; a rerun skips finished shards, so an interrupted generation loses none and ends with the same bytes.
import { existsSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { ConfigError, EXIT } from './errors.js';
import { digest, writeFileAtomic } from './fsio.js';
import { readDataFile } from '../meshes/index.js';
import { readManifest, shardDone } from './datasetRead.js';
import {
  datasetKinds,
  generateSamples,
  kindOptions,
  MANIFEST,
  planDataset,
  planKey,
  shardBytes,
  type DatasetKind,
  type DatasetManifest,
  type DatasetOptions,
  type ShardEntry,
} from './datasetSpec.js';
import { lockRunDir } from './runDir.js';
import { signalExitCode, type StopSignal } from './signals.js';
import { Lanes, type ChildExit } from './sweepLane.js';
import { checkedThreadBudget, laneThreadEnv } from './threads.js';
import { runPool } from './sweepPool.js';
import { makeSweepProgress } from './sweepProgress.js';
import { enqueueAndWait, jobId, openQueue, redisConnection, type QueuedJob } from './sweepQueue.js';

/** The command-line options of `data generate`, as typed (strings). */
export interface GenerateFlags {
  samples?: string;
  shards?: string;
  seed?: string;
  resolution?: string;
  nu?: string;
  tFinal?: string;
  solverResolution?: string;
}

export interface DatasetRequest {
  kind: DatasetKind;
  options: DatasetOptions;
  seed: number;
  samples: number;
  shards: number;
}

function integer(option: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min)
    throw new ConfigError(`${option}: expected an integer >= ${min}, got '${v}'`);
  return n;
}

function positive(option: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(`${option}: expected a positive number, got '${v}'`);
  return n;
}

/** Checks the kind and options; every error names the option (exit 2). */
export function parseDatasetRequest(kind: string, f: GenerateFlags): DatasetRequest {
  if (!(datasetKinds as readonly string[]).includes(kind))
    throw new ConfigError(`<kind>: expected one of ${datasetKinds.join(', ')}, got '${kind}'`);
  const k = kind as DatasetKind;
  if (f.samples === undefined) throw new ConfigError('--samples: required (the number of samples)');
  const samples = integer('--samples', f.samples, 1);
  const shards = f.shards === undefined ? 1 : integer('--shards', f.shards, 1);
  if (shards > samples) throw new ConfigError(`--shards: at most --samples (${samples}), got ${shards}`);
  const seed = f.seed === undefined ? 0 : integer('--seed', f.seed, 0);
  const spec = kindOptions[k];
  if (k !== 'burgers') {
    for (const [flag, v] of [
      ['--nu', f.nu],
      ['--t-final', f.tFinal],
      ['--solver-resolution', f.solverResolution],
    ] as const)
      if (v !== undefined) throw new ConfigError(`${flag}: not an option of ${k} (only of burgers)`);
  }
  const options: DatasetOptions = {
    ...spec.defaults,
    ...(f.resolution === undefined ? {} : { resolution: integer('--resolution', f.resolution, spec.minResolution) }),
    ...(f.nu === undefined ? {} : { nu: positive('--nu', f.nu) }),
    ...(f.tFinal === undefined ? {} : { t_final: positive('--t-final', f.tFinal) }),
  };
  if (f.solverResolution !== undefined) {
    const n = integer('--solver-resolution', f.solverResolution, options.resolution);
    if (n % options.resolution !== 0)
      throw new ConfigError(`--solver-resolution: expected a multiple of --resolution (${options.resolution}), got ${n}`);
    options.solver_resolution = n;
  }
  return { kind: k, options, seed, samples, shards };
}

/** `fluxion data shard DIR i` (a pool child): generates shard i of the dataset planned in DIR and writes it atomically. */
export function writeShard(dir: string, index: number): ShardEntry {
  const m = readManifest(dir, (reason) => new ConfigError(`data shard: ${reason}`));
  const s = m.shards[index];
  if (!s) throw new ConfigError(`data shard: index ${index} outside the ${m.shards.length} shards of '${dir}'`);
  const d = writeFileAtomic(join(dir, s.file), shardBytes(generateSamples(m.kind, m.options, s.seed, s.samples)));
  return { ...s, bytes: d.bytes, sha256: d.sha256 };
}

/** The shard's entry with the checksum of its file if the file exists, without one otherwise. */
function recorded(dir: string, s: ShardEntry): ShardEntry {
  const { bytes: _b, sha256: _s, ...e } = s;
  const path = join(dir, e.file);
  if (!existsSync(path)) return e;
  const d = digest(readDataFile(path));
  return { ...e, bytes: d.bytes, sha256: d.sha256 };
}

/** The manifest with the checksum of every finished shard; a shard whose file no longer matches its checksum is removed (remade). */
function withChecksums(dir: string, m: DatasetManifest): DatasetManifest {
  const shards = m.shards.map((s) => {
    if (s.sha256 !== undefined && !shardDone(dir, s)) rmSync(join(dir, s.file), { force: true });
    return recorded(dir, s);
  });
  return { ...m, shards };
}

/** `fluxion data shard i` without `--out DIR` (the pool adds it; so does a queue worker, with its own path to DIR). */
const shardArgs = (s: ShardEntry): string[] => ['data', 'shard', String(s.index)];

const manifestText = (m: DatasetManifest): string => `${JSON.stringify(m, null, 2)}\n`;

export interface GenerateOptions extends DatasetRequest {
  /** Dataset directory (default datasets/<kind>). */
  outDir?: string;
  /** Child processes at once (default: one per core). */
  workers?: number;
  quiet?: boolean;
  log?: (line: string) => void;
  tty?: NodeJS.WriteStream;
  /** Enqueue the shards on this BullMQ queue (redis://host:port) for `fluxion worker`s instead of the local pool. */
  queue?: string;
  /** Stops the generation like SIGINT (tests). */
  stop?: AbortSignal;
}

export interface GenerateResult {
  exitCode: number;
  dir: string;
  manifest: DatasetManifest;
}

export async function generateDataset(o: GenerateOptions): Promise<GenerateResult> {
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const dir = resolve(o.outDir ?? join('datasets', o.kind));
  if (o.queue !== undefined) redisConnection(o.queue); // a bad URL is bad input before anything is written
  const lock = lockRunDir(dir);
  try {
    const plan = planDataset(o.kind, o.options, o.seed, o.samples, o.shards);
    let m = plan;
    const path = join(dir, MANIFEST);
    if (existsSync(path)) {
      const old = readManifest(dir, (reason) => new ConfigError(`--out: ${reason}`));
      if (planKey(old) !== planKey(plan))
        throw new ConfigError(
          `--out: '${dir}' holds another dataset (${old.kind}, ${old.samples} samples in ${old.shards.length} shards, seed ${old.seed}, ${JSON.stringify(old.options)}); choose another --out or remove it`,
        );
      m = old;
    }
    m = withChecksums(dir, m);
    writeFileAtomic(path, manifestText(m));
    const todo = m.shards.filter((s) => s.sha256 === undefined);
    const threads = checkedThreadBudget();
    const workers = o.workers ?? threads;
    const where = o.queue === undefined ? `on ${Math.min(workers, Math.max(1, todo.length))} worker(s)` : `queued on ${o.queue}`;
    if (!o.quiet)
      log(
        `dataset ${o.kind}: ${o.samples} samples in ${m.shards.length} shards (${m.shards.length - todo.length} finished, ${todo.length} to make) ${where}; outputs in ${dir}`,
      );
    const stop = new AbortController();
    let signal: StopSignal | undefined;
    const onSignal = (sig: StopSignal): void => {
      signal ??= sig;
      stop.abort();
    };
    const onStop = (): void => onSignal('SIGINT');
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    o.stop?.addEventListener('abort', onStop);
    const progress = makeSweepProgress({ quiet: !!o.quiet, tty: o.tty, write: log, label: 'data' });
    let failed = 0;
    const logFile = join(dir, o.queue === undefined ? 'generate.log' : 'run.log');
    const started = (s: ShardEntry): void => progress.started(s.file, `(${s.samples} samples, seed ${s.seed})`);
    /** A shard's job ended: record its checksum if its file is there. */
    const ended = (s: ShardEntry, why: string, interrupted: boolean): void => {
      m = { ...m, shards: m.shards.map((e) => (e.index === s.index ? recorded(dir, e) : e)) };
      writeFileAtomic(path, manifestText(m));
      const ok = m.shards[s.index].sha256 !== undefined;
      if (!ok && !interrupted && !signal) failed++;
      progress.ended(s.file, ok ? 'written' : `not written (${why}; see ${logFile})`);
    };
    try {
      progress.start(m.shards.length, m.shards.length - todo.length);
      if (o.queue === undefined) {
        const lanes = new Lanes(laneThreadEnv(workers, threads));
        try {
          await runPool<ShardEntry, ChildExit>(
            todo,
            workers,
            (s, lane) => lanes.run(lane, [...shardArgs(s), '--out', dir], logFile),
            { started, ended: (s, exit) => ended(s, `exit ${exit.code}`, exit.signal !== undefined) },
            stop.signal,
          );
        } finally {
          lanes.close();
        }
      } else {
        const q = await openQueue(o.queue);
        try {
          const root = resolve(dir, '..');
          const name = `data-${basename(dir).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
          const jobs = todo.map((s): QueuedJob<ShardEntry> => {
            const runId = s.file.replace(/\.npz$/, '');
            const data = { sweep: name, runId, runDir: relative(root, dir).split(sep).join('/'), args: shardArgs(s) };
            return { id: jobId(name, runId), data, item: s };
          });
          const left = await enqueueAndWait(
            q.queue,
            jobs,
            { started, ended: (s, state, job) => ended(s, state === 'failed' ? (job?.failedReason ?? 'failed') : 'no file', false) },
            () => signal !== undefined,
          );
          if (signal && left > 0) log(`${left} shard job(s) stay queued for the workers`);
        } finally {
          await q.close();
        }
      }
    } finally {
      progress.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      o.stop?.removeEventListener('abort', onStop);
    }
    const done = m.shards.filter((s) => s.sha256 !== undefined).length;
    if (signal) {
      log(`dataset ${o.kind} stopped by ${signal}: ${done} of ${m.shards.length} shards written; rerun the same command to continue`);
      return { exitCode: signalExitCode(signal), dir, manifest: m };
    }
    if (failed > 0) {
      log(`error: ${failed} shard(s) failed; see ${logFile}`);
      return { exitCode: EXIT.failure, dir, manifest: m };
    }
    if (!o.quiet) log(`dataset ${o.kind}: ${done} of ${m.shards.length} shards written; manifest ${path}`);
    return { exitCode: EXIT.ok, dir, manifest: m };
  } finally {
    lock.release();
  }
}
