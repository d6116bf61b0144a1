// One helper worker thread that runs GEMM jobs on the shared wasm memory. The main thread posts a job
// through a shared control block, computes its own share, then blocks in Atomics.wait with a timeout:
// a stuck or failed worker becomes a clear Error instead of a hang.
import { Worker } from 'node:worker_threads';

const STATE = 0,
  KIND = 1,
  ARGS = 2,
  MAX_ARGS = 24;
const BOOT = 0,
  IDLE = 1,
  JOB = 2,
  DONE = 3,
  FAILED = 4,
  EXIT = 5,
  RUNNING = 6;
const MESSAGE_BYTES = 512;

export type GemmKind = 'f32' | 'f64';

// Plain JS (eval'd CommonJS) so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const I = new Int32Array(control, 0, ${ARGS + MAX_ARGS});
const text = new Uint8Array(control, ${(ARGS + MAX_ARGS) * 4});
function fail(e) {
  const bytes = new TextEncoder().encode(String(e && e.stack || e)).subarray(0, text.length - 1);
  text.fill(0); text.set(bytes);
  Atomics.store(I, ${STATE}, ${FAILED}); Atomics.notify(I, ${STATE});
}
(function main() {
  let ex;
  try {
    ex = new WebAssembly.Instance(module, { env: { memory, sin: Math.sin, cos: Math.cos } }).exports;
  } catch (e) { fail(e); return; }
  Atomics.store(I, ${STATE}, ${IDLE}); Atomics.notify(I, ${STATE});
  for (;;) {
    let s;
    while ((s = Atomics.load(I, ${STATE})) !== ${JOB}) {
      if (s === ${EXIT}) return;
      Atomics.wait(I, ${STATE}, s);
    }
    if (Atomics.compareExchange(I, ${STATE}, ${JOB}, ${RUNNING}) !== ${JOB}) continue; // taken back
    try {
      const a = Array.from(I.subarray(${ARGS}, ${ARGS} + 17));
      (I[${KIND}] === 0 ? ex.gemm_f32 : ex.gemm_f64)(...a);
      Atomics.store(I, ${STATE}, ${DONE}); Atomics.notify(I, ${STATE});
    } catch (e) { fail(e); }
  }
})();
`;

export class HelperThread {
  private readonly worker: Worker;
  private readonly ctrl: Int32Array;
  private readonly text: Uint8Array;
  private busy = false;

  /** Starts the worker and blocks until it has instantiated the module (or `startTimeoutMs` passes). */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, startTimeoutMs = 10_000) {
    const control = new SharedArrayBuffer((ARGS + MAX_ARGS) * 4 + MESSAGE_BYTES);
    this.ctrl = new Int32Array(control, 0, ARGS + MAX_ARGS);
    this.text = new Uint8Array(control, (ARGS + MAX_ARGS) * 4);
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module, memory, control } });
    this.worker.unref(); // never keeps the process alive
    this.waitWhile([BOOT], 'start', startTimeoutMs);
    if (Atomics.load(this.ctrl, STATE) !== IDLE) this.raise('start');
  }

  /** Hands a gemm_f32/gemm_f64 argument list to the worker; call wait() before the next post. */
  post(kind: GemmKind, args: readonly number[]): void {
    if (this.busy) throw new Error('HelperThread.post: previous job not awaited');
    if (args.length > MAX_ARGS) throw new Error(`HelperThread.post: ${args.length} args, at most ${MAX_ARGS}`);
    this.ctrl[KIND] = kind === 'f32' ? 0 : 1;
    for (let i = 0; i < args.length; i++) this.ctrl[ARGS + i] = args[i];
    this.busy = true;
    Atomics.store(this.ctrl, STATE, JOB);
    Atomics.notify(this.ctrl, STATE);
  }

  /**
   * Takes the posted job back if the worker has not started it (on a loaded machine it may not have been
   * scheduled yet): true means the caller must run it itself, and the worker will not touch it.
   */
  takeBack(): boolean {
    if (!this.busy || Atomics.compareExchange(this.ctrl, STATE, JOB, IDLE) !== JOB) return false;
    this.busy = false;
    return true;
  }

  /** Blocks until the posted job is done; throws (and the thread must be closed) on failure or after `timeoutMs`. */
  wait(timeoutMs: number): void {
    if (!this.busy) return;
    this.busy = false;
    this.waitWhile([JOB, RUNNING], 'gemm job', timeoutMs);
    if (Atomics.load(this.ctrl, STATE) !== DONE) this.raise('gemm job');
    Atomics.store(this.ctrl, STATE, IDLE);
  }

  close(): void {
    Atomics.store(this.ctrl, STATE, EXIT);
    Atomics.notify(this.ctrl, STATE);
    void this.worker.terminate();
  }

  private waitWhile(states: readonly number[], what: string, timeoutMs: number): void {
    const deadline = Date.now() + timeoutMs;
    let s: number;
    while (states.includes((s = Atomics.load(this.ctrl, STATE)))) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.ctrl, STATE, s, left) === 'timed-out') {
        if (!states.includes(Atomics.load(this.ctrl, STATE))) break;
        throw new Error(`wasm helper thread: ${what} did not finish within ${timeoutMs} ms`);
      }
    }
  }

  private raise(what: string): never {
    const end = this.text.indexOf(0);
    const msg = new TextDecoder().decode(this.text.slice(0, end < 0 ? this.text.length : end));
    throw new Error(`wasm helper thread: ${what} failed: ${msg || 'unknown error'}`);
  }
}
