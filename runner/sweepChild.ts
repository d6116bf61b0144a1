// One sweep run as a child process: `fluxion run <base> --set ... --out <run dir> --quiet [--resume]`, its output
// appended to <run dir>/run.log. The same CLI entry as the parent (the .ts source under tsx, dist/ when built).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Launched } from './sweepPool.js';

/** The child's command line before `run ...`: node, its loader flags (tsx), and cli.ts or cli.js beside this module. */
export function cliCommand(): { command: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const cli = join(dirname(self), `cli${extname(self)}`);
  // keep loader flags (--import tsx), drop debugger ones (their port would clash)
  const flags = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  if (extname(self) === '.ts' && !flags.some((a) => a.includes('tsx'))) flags.push('--import', 'tsx');
  return { command: process.execPath, args: [...flags, cli] };
}

/** How a child ended: its exit code, or 128 + the signal's number when a signal killed it. */
export interface ChildExit {
  code: number;
  /** The signal that killed the child, if one did. */
  signal?: NodeJS.Signals;
}

/**
 * Starts `fluxion <args>` with stdout and stderr appended to `logFile`; stop() sends SIGINT (checkpoint, exit 130).
 * `env`: extra environment variables of the child.
 */
export function launchCli(args: readonly string[], logFile: string, env: Record<string, string> = {}): Launched<ChildExit> {
  const { command, args: pre } = cliCommand();
  const fd = openSync(logFile, 'a');
  const child = spawn(command, [...pre, ...args], { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  closeSync(fd);
  const done = new Promise<ChildExit>((resolve) => {
    child.on('error', () => resolve({ code: 1 }));
    child.on('exit', (code, signal) => resolve(signal ? { code: 128 + (constants.signals[signal] ?? 0), signal } : { code: code ?? 1 }));
  });
  return {
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    },
  };
}
