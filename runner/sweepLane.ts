// The local pool's child processes: each lane of the pool keeps one long-lived child (`fluxion pool-lane`, hidden) and
// runs its jobs in it one after another, in-process (`fluxion run ...`, `fluxion data shard ...`), as a queue worker
// does. Node's start-up and module loading (tsx, mathjs: seconds per process on a busy machine, more than a short run's
// training) are paid once per lane instead of once per run. A job's output is appended to its log file; stop() sends
// the child SIGINT, which the running job handles as a lone `fluxion run` would (checkpoint, exit 130). A child that
// dies (a crash, a signal) ends its job with its exit status, and the lane's next job starts a fresh child.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';
import type { Launched } from './sweepPool.js';

/**
 * The child's command line before `pool-lane`: node, its flags, and cli.ts or cli.js beside this module. cli.ts needs
 * the tsx loader; cli.js (the compiled package) must not get it from a parent running under tsx (a bench or test
 * importing dist/): its hooks cost the child a second of start-up and slow every import.
 */
export function cliCommand(): { command: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ts = extname(self) === '.ts';
  const cli = join(dirname(self), `cli${extname(self)}`);
  // drop debugger flags (their port would clash)
  const flags = loaderFlags(
    process.execArgv.filter((a) => !a.startsWith('--inspect')),
    ts,
  );
  if (ts && !flags.some((a) => a.includes('tsx'))) flags.push('--import', 'tsx');
  return { command: process.execPath, args: [...flags, cli] };
}

const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/** `flags` without tsx's (`--import tsx`, `--require .../tsx/dist/preflight.cjs`, `--import=...`) unless `keepTsx`. */
export function loaderFlags(flags: readonly string[], keepTsx: boolean): string[] {
  if (keepTsx) return [...flags];
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (LOADER_FLAGS.has(f) && flags[i + 1]?.includes('tsx')) i++;
    else if (!LOADER_FLAGS.has(f.split('=')[0]) || !f.includes('tsx')) out.push(f);
  }
  return out;
}

/** How a job ended: its exit code, or 128 + the signal's number when a signal killed its child. */
export interface ChildExit {
  code: number;
  /** The signal that killed the child, if one did. */
  signal?: NodeJS.Signals;
}

/** Pool -> lane: run `fluxion <args>`, its output appended to `log`. */
interface LaneRequest {
  args: string[];
  log: string;
}

/** Lane -> pool: the job's exit code. */
interface LaneReply {
  code: number;
}

/** One child and the job it is running. */
interface LaneChild {
  child: ChildProcess;
  job?: { log: string; resolve(exit: ChildExit): void };
  /** Where stray output (not through the job's writer: a Node warning) goes: the running or the last job's log. */
  lastLog?: string;
}

/** The children of a pool's lanes, started on first use; close() ends them. */
export class Lanes {
  private readonly lanes = new Map<number, LaneChild>();

  /** `env`: extra environment variables of the children. */
  constructor(private readonly env: Record<string, string> = {}) {}

  /** Runs `fluxion <args>` in lane `lane`'s child (one job per lane at a time). */
  run(lane: number, args: readonly string[], log: string): Launched<ChildExit> {
    const l = this.lanes.get(lane) ?? this.start(lane);
    if (l.job) throw new Error(`pool lane ${lane} is busy`);
    const done = new Promise<ChildExit>((resolve) => {
      l.job = { log, resolve };
      l.lastLog = log;
    });
    l.child.send({ args: [...args], log } satisfies LaneRequest);
    return {
      done,
      stop: () => {
        if (l.job && l.child.exitCode === null && l.child.signalCode === null) l.child.kill('SIGINT');
      },
    };
  }

  /** The process id of lane `lane`'s child, if it has a live one. */
  pid(lane: number): number | undefined {
    return this.lanes.get(lane)?.child.pid;
  }

  private start(lane: number): LaneChild {
    const { command, args } = cliCommand();
    const child = spawn(command, [...args, 'pool-lane'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...this.env },
    });
    const l: LaneChild = { child };
    const stray = (d: Buffer): void => {
      if (l.lastLog) appendFileSync(l.lastLog, d);
    };
    child.stdout?.on('data', stray);
    child.stderr?.on('data', stray);
    const end = (exit: ChildExit): void => {
      const job = l.job;
      l.job = undefined;
      job?.resolve(exit);
    };
    child.on('message', (m: LaneReply) => end({ code: m.code }));
    child.on('error', () => end({ code: 1 }));
    child.on('exit', (code, signal) => {
      if (this.lanes.get(lane) === l) this.lanes.delete(lane);
      end(signal ? { code: 128 + (constants.signals[signal] ?? 0), signal } : { code: code ?? 1 });
    });
    this.lanes.set(lane, l);
    return l;
  }

  /** Ends every child (each exits once its IPC channel closes; none is running a job when the pool has settled). */
  close(): void {
    for (const l of this.lanes.values()) if (l.child.connected) l.child.disconnect();
    this.lanes.clear();
  }
}

/**
 * `fluxion pool-lane`, the child side: runs each job it is sent with `runCli` (cli.ts's main, injected), replies with
 * the exit code, and returns when the pool closes the IPC channel (or the pool process dies).
 */
export function serveLane(runCli: (args: string[], write: (text: string) => void) => Promise<number>): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) return Promise.reject(new ConfigError('pool-lane: started by fluxion sweep / data generate only (no IPC channel)'));
  return new Promise((resolve) => {
    let chain = Promise.resolve();
    process.on('message', (m: LaneRequest) => {
      chain = chain.then(async () => {
        const code = await runCli(m.args, (text) => appendFileSync(m.log, text));
        send({ code } satisfies LaneReply);
      });
    });
    process.once('disconnect', () => resolve());
  });
}
