// Sweeps on a BullMQ queue in Redis: `fluxion sweep sweep.yaml --queue redis://host:port` enqueues one job per run
// still to do and waits for them; `fluxion worker --queue redis://host:port --runs DIR` takes jobs and runs each
// in-process (`fluxion run`, resuming from the run's checkpoint when one exists). A worker that dies mid-run (SIGKILL)
// stops renewing its job's lock; BullMQ's stalled-job check puts the job back and another worker resumes it. The
// sweep directory must be shared by the sweep and its workers (the jobs name run directories relative to DIR).
import { appendFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
// bullmq and ioredis are loaded on first use (below), so importing the runner does not load a Redis client
import type { Job, Queue as BullQueue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { BackendName } from '../core/index.js';
import { ConfigError, EXIT } from './errors.js';
import { ensureDir } from './fsio.js';
import type { StopSignal } from './signals.js';
import { makeSweepProgress } from './sweepProgress.js';
import { readSummary, type RunRow } from './sweepResults.js';
import { endedLine, finishSweep, openSweep, planLine, runArgs, runLabel, runState, type SweepResult } from './sweepSession.js';
import type { PlannedRun } from './sweepPlan.js';

/** The one queue every sweep and worker uses. */
export const QUEUE_NAME = 'fluxion-runs';

/** A job: one run. */
export interface RunJobData {
  sweep: string;
  runId: string;
  /** The run directory relative to the worker's --runs DIR ('/'-separated). */
  runDir: string;
  /** `fluxion run` arguments without --out / --resume. */
  args: string[];
}

/** What a job returns: the run's status (completed or diverged). */
export interface RunJobResult {
  status: RunRow['status'];
}

/** `redis://[user:password@]host:port[/db]` as ioredis options; anything else is a ConfigError. */
export function redisConnection(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`--queue: expected redis://host:port, got '${url}'`);
  }
  if (u.protocol !== 'redis:' || !u.hostname) throw new ConfigError(`--queue: expected redis://host:port, got '${url}'`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new ConfigError(`--queue: expected a database number after the port, got '${db}'`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(db ? { db: Number(db) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    // workers block on Redis; BullMQ requires this
    maxRetriesPerRequest: null,
  };
}

/** A client for BullMQ (under ESM it takes a constructed ioredis client, not options); closed by the caller. */
async function redisClient(url: string, timeoutMs = 10000): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(redisConnection(url));
  // connection errors surface as the ConfigError below, not as ioredis' "unhandled error event" lines
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
  } catch {
    client.disconnect();
    throw new ConfigError(`--queue: cannot reach Redis at ${url} within ${timeoutMs / 1000} s (is redis-server running?)`);
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** BullMQ job ids may not contain ':'; sweep names and run ids never do. */
export const jobId = (sweep: string, runId: string): string => `${sweep}.${runId}`;

export interface QueuedSweepOptions {
  sweepPath: string;
  queue: string;
  outDir?: string;
  backend?: BackendName;
  quiet?: boolean;
  log?: (line: string) => void;
  tty?: NodeJS.WriteStream;
  /** How often job states are polled (ms). */
  pollMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The queue of a sweep or dataset and its Redis client; close() closes both. */
export interface OpenQueue {
  queue: BullQueue<RunJobData, RunJobResult>;
  close(): Promise<void>;
}

export async function openQueue(url: string): Promise<OpenQueue> {
  const connection = await redisClient(url);
  try {
    const { Queue } = await import('bullmq');
    const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection });
    return {
      queue,
      close: async () => {
        await queue.close();
        connection.disconnect();
      },
    };
  } catch (e) {
    connection.disconnect();
    throw e;
  }
}

/** One job to enqueue: its BullMQ id, its data, and the caller's item it stands for. */
export interface QueuedJob<T> {
  id: string;
  data: RunJobData;
  item: T;
}

export interface JobHooks<T> {
  started(item: T): void;
  ended(item: T, state: 'completed' | 'failed', job: Job<RunJobData, RunJobResult> | undefined): void;
}

/** Adds `jobs` (replacing finished jobs of an earlier attempt) and polls them until all ended or `stopped()`; returns how many are still pending. */
export async function enqueueAndWait<T>(
  queue: BullQueue<RunJobData, RunJobResult>,
  jobs: readonly QueuedJob<T>[],
  hooks: JobHooks<T>,
  stopped: () => boolean,
  pollMs = 300,
): Promise<number> {
  const pending = new Map<string, T>();
  for (const j of jobs) {
    // a finished job of an earlier attempt would make add() a no-op: the directory is what says it is done
    const old = await queue.getJob(j.id);
    if (old && ((await old.isCompleted()) || (await old.isFailed()))) await old.remove();
    await queue.add(j.data.runId, j.data, { jobId: j.id, attempts: 3, removeOnComplete: false, removeOnFail: false });
    pending.set(j.id, j.item);
  }
  const active = new Set<string>();
  while (pending.size > 0 && !stopped()) {
    for (const [id, item] of pending) {
      const state = await queue.getJobState(id);
      if (state === 'active' && !active.has(id)) {
        active.add(id);
        hooks.started(item);
      }
      if (state !== 'completed' && state !== 'failed') continue;
      pending.delete(id);
      active.delete(id);
      hooks.ended(item, state, await queue.getJob(id));
    }
    if (pending.size > 0) await sleep(pollMs);
  }
  return pending.size;
}

export async function runQueuedSweep(o: QueuedSweepOptions): Promise<SweepResult> {
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  redisConnection(o.queue); // a bad URL is bad input before anything else happens
  const s = openSweep(o.sweepPath, o.outDir, log);
  let q: OpenQueue;
  try {
    q = await openQueue(o.queue);
  } catch (e) {
    s.lock.release();
    throw e;
  }
  let signal: StopSignal | undefined;
  const onSignal = (sig: StopSignal): void => {
    signal ??= sig;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = makeSweepProgress({ quiet: !!o.quiet, tty: o.tty, write: log });
  try {
    const name = s.loaded.sweep.name;
    const root = resolve(s.dir, '..');
    if (!o.quiet) log(`${planLine(s)} queued on ${o.queue}; workers: fluxion worker --queue ${o.queue} --runs ${root}`);
    const jobs = s.todo.map((r): QueuedJob<PlannedRun> => {
      ensureDir(s.runDir(r), (reason) => new ConfigError(`run directory '${s.runDir(r)}': ${reason}`));
      const data: RunJobData = {
        sweep: name,
        runId: r.id,
        runDir: relative(root, s.runDir(r)).split(sep).join('/'),
        args: runArgs(s.loaded, s.basePath, r, o.backend),
      };
      return { id: jobId(name, r.id), data, item: r };
    });
    progress.start(s.loaded.runs.length, s.loaded.runs.length - s.todo.length);
    const outcomes = new Map<PlannedRun, RunRow['status']>();
    const left = await enqueueAndWait(
      q.queue,
      jobs,
      {
        started: (r) => progress.started(r.id, runLabel(s, r)),
        ended: (r, state, job) => {
          const status: RunRow['status'] = state === 'completed' ? (job?.returnvalue?.status ?? 'completed') : 'failed';
          outcomes.set(r, status);
          progress.ended(r.id, endedLine(s, r, status, job?.failedReason));
        },
      },
      () => signal !== undefined,
      o.pollMs,
    );
    progress.stop();
    if (signal) log(`${left} job(s) stay queued for the workers; rerun the sweep to wait for them and summarize`);
    return finishSweep(s, { outcomes, signal, quiet: !!o.quiet, log });
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await q.close();
    s.lock.release();
  }
}

export interface WorkerOptions {
  queue: string;
  /** The directory job run directories are relative to (the sweep directory's parent, e.g. runs/). */
  runs: string;
  /** BullMQ's job lock (ms): a job whose worker stops renewing it for this long is stalled and retried. */
  lockDuration?: number;
  log?: (line: string) => void;
  /** Runs `fluxion <args>` in-process, its output to `write`, and returns its exit code (cli.ts's main: injected, no import cycle). */
  runCli: (args: string[], write: (text: string) => void) => Promise<number>;
  /** Resolves when the worker should stop (default: SIGINT / SIGTERM). */
  until?: Promise<void>;
}

/** `fluxion worker`: processes run jobs one at a time until a signal, then closes (the running run checkpoints). */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const { Worker, UnrecoverableError } = await import('bullmq');
  const connection = await redisClient(o.queue);
  const runsDir = resolve(o.runs);
  const lockDuration = o.lockDuration ?? 30000;
  const processor = async (job: Job<RunJobData, RunJobResult>): Promise<RunJobResult> => {
    const out = resolve(runsDir, job.data.runDir);
    if (relative(runsDir, out).startsWith('..')) throw new UnrecoverableError(`run directory '${job.data.runDir}' is outside --runs`);
    const state = runState(out);
    log(
      `worker ${process.pid}: ${job.data.sweep}/${job.data.runId} ${state === 'resume' ? 'resuming' : state === 'done' ? 'already done' : 'starting'}`,
    );
    if (state !== 'done') {
      ensureDir(out, (reason) => new UnrecoverableError(`run directory '${out}': ${reason}`));
      const logFile = resolve(out, 'run.log');
      const args = [...job.data.args, '--out', out, ...(state === 'resume' ? ['--resume'] : [])];
      const code = await o.runCli(args, (text) => appendFileSync(logFile, text));
      if (code === EXIT.interrupted || code === EXIT.terminated) throw new Error(`interrupted (exit ${code}); a retry resumes it`);
      if (code !== EXIT.ok && code !== EXIT.diverged) throw new UnrecoverableError(`fluxion run exited ${code}; see ${logFile}`);
    }
    const summary = readSummary(out);
    log(`worker ${process.pid}: ${job.data.sweep}/${job.data.runId} ${summary?.status ?? 'done'}`);
    return { status: summary?.status ?? 'completed' };
  };
  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, processor, {
    connection,
    concurrency: 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: 2,
  });
  worker.on('error', (e: Error) => log(`worker ${process.pid}: ${e.message}`));
  await worker.waitUntilReady();
  log(`worker ${process.pid}: waiting for runs on ${o.queue} (runs under ${runsDir})`);
  let signal: StopSignal | undefined;
  const stopped =
    o.until ??
    new Promise<void>((r) => {
      const on = (s: StopSignal): void => {
        signal ??= s;
        r();
      };
      process.once('SIGINT', on);
      process.once('SIGTERM', on);
    });
  await stopped;
  await worker.close();
  connection.disconnect();
  return signal === 'SIGINT' ? EXIT.interrupted : signal === 'SIGTERM' ? EXIT.terminated : EXIT.ok;
}
