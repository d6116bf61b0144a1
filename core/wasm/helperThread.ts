// One helper worker thread that runs jobs on the shared wasm memory: GEMMs and other exports of the kernels module,
// and the fused elementwise loops of compiled graphs (core/compile/wasmgen.ts), whose modules it receives through a
// message port and instantiates on the same memory. The main thread posts a job through a shared control block,
// computes its own share, then blocks in Atomics.wait with a timeout: a stuck or failed worker becomes a clear Error
// instead of a hang.
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

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
/**
 * Job kinds: 0/1 gemm_f32/gemm_f64 (17 args); 2 a kernels export (ARGS: name index, argc, args...); 4 a fused
 * loop's chunks claimed with the caller (id, index, chunk, end); 5 chunks of an export f(x, out, count) claimed
 * with the caller (name index, x, out, chunk, end, log2 of the element size): both in bytes.
 */
const GEMM_F32 = 0,
  GEMM_F64 = 1,
  EXPORT = 2,
  LOOP_CLAIMED = 4,
  EXPORT_CLAIMED = 5;
const MESSAGE_BYTES = 512;
/**
 * Polls of the control block before sleeping (20000 take about 0.1 ms here); env FLUXION_THREAD_SPIN overrides.
 * Read when a helper starts, not at import: the demo's browser bundle imports this module and has no `process`.
 */
export function defaultSpin(): number {
  return spinFromEnv(process.env.FLUXION_THREAD_SPIN);
}

function spinFromEnv(v: string | undefined): number {
  if (v === undefined || v === '') return 20_000;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`FLUXION_THREAD_SPIN must be a non-negative integer, got '${v}'`);
  return n;
}

export type GemmKind = 'f32' | 'f64';

/** A compiled module of fused loops, as the helper knows it: `id` names it in jobs, `fn{i}(start, end)` its loops. */
export interface SharedLoops {
  readonly id: number;
  readonly module: WebAssembly.Module;
}

// Plain JS (eval'd CommonJS) so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { module, memory, control, claim, port, exportNames } = workerData;
const I = new Int32Array(control, 0, ${ARGS + MAX_ARGS});
const C = new Int32Array(claim);
// the chunks [s, s + chunk) of [0, end) that this thread claims before the caller does
function claimed(chunk, end, run) {
  for (let s; (s = Atomics.add(C, 0, chunk)) < end; ) run(s, Math.min(s + chunk, end));
}
const text = new Uint8Array(control, ${(ARGS + MAX_ARGS) * 4});
const loops = new Map();
function fail(e) {
  const bytes = new TextEncoder().encode(String(e && e.stack || e)).subarray(0, text.length - 1);
  text.fill(0); text.set(bytes);
  Atomics.store(I, ${STATE}, ${FAILED}); Atomics.notify(I, ${STATE});
}
// Loop modules arrive on the port before the first job that names them (postMessage has queued them by then).
function receive() {
  for (let m; (m = receiveMessageOnPort(port)); ) {
    const { id, module: mod, drop } = m.message;
    if (drop !== undefined) loops.delete(drop);
    else loops.set(id, new WebAssembly.Instance(mod, { env: { memory } }).exports);
  }
}
function loopsOf(id) {
  if (!loops.has(id)) receive();
  const ex = loops.get(id);
  if (!ex) throw new Error('fused loop module ' + id + ' was never sent to the helper');
  return ex;
}
(function main() {
  let ex;
  try {
    ex = new WebAssembly.Instance(module, { env: { memory, sin: Math.sin, cos: Math.cos } }).exports;
  } catch (e) { fail(e); return; }
  Atomics.store(I, ${STATE}, ${IDLE}); Atomics.notify(I, ${STATE});
  for (;;) {
    let s, spins = workerData.spin; // right after a job the next one often follows within microseconds
    while ((s = Atomics.load(I, ${STATE})) !== ${JOB}) {
      if (s === ${EXIT}) return;
      if (spins-- > 0) continue;
      Atomics.wait(I, ${STATE}, s);
    }
    if (Atomics.compareExchange(I, ${STATE}, ${JOB}, ${RUNNING}) !== ${JOB}) continue; // taken back
    try {
      const kind = I[${KIND}];
      if (kind === ${GEMM_F32} || kind === ${GEMM_F64}) {
        const a = Array.from(I.subarray(${ARGS}, ${ARGS} + 17));
        (kind === ${GEMM_F32} ? ex.gemm_f32 : ex.gemm_f64)(...a);
      } else if (kind === ${EXPORT}) {
        const argc = I[${ARGS} + 1];
        ex[exportNames[I[${ARGS}]]](...Array.from(I.subarray(${ARGS} + 2, ${ARGS} + 2 + argc)));
      } else if (kind === ${LOOP_CLAIMED}) {
        receive();
        claimed(I[${ARGS} + 2], I[${ARGS} + 3], loopsOf(I[${ARGS}])['f' + I[${ARGS} + 1]]);
      } else if (kind === ${EXPORT_CLAIMED}) {
        const f = ex[exportNames[I[${ARGS}]]], x = I[${ARGS} + 1], out = I[${ARGS} + 2], shift = I[${ARGS} + 5];
        claimed(I[${ARGS} + 3], I[${ARGS} + 4], (s, e) => f(x + s, out + s, (e - s) >> shift));
      } else throw new Error('unknown job kind ' + kind);
      Atomics.store(I, ${STATE}, ${DONE}); Atomics.notify(I, ${STATE});
    } catch (e) { fail(e); }
  }
})();
`;

export class HelperThread {
  private readonly worker: Worker;
  private readonly ctrl: Int32Array;
  /** The next unclaimed byte of a claimed job's range, counted up by both threads (alone on its cache line). */
  private readonly claimCounter = new Int32Array(new SharedArrayBuffer(64), 0, 1);
  private readonly text: Uint8Array;
  private readonly port: MessagePort;
  /** Exports of the kernels module that EXPORT jobs may call, by index. */
  private readonly exportNames: readonly string[];
  /** Loop modules this worker has been sent (it keeps them until `forgetLoops`). */
  private readonly sent = new Set<number>();
  private busy = false;
  private job = 'gemm job';

  /**
   * Starts the worker and blocks until it has instantiated the module (or `startTimeoutMs` passes). Between jobs
   * each side polls the control block `spin` times before sleeping in Atomics.wait: a futex wake-up costs tens of
   * microseconds, as much as half of a small job.
   */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    startTimeoutMs = 10_000,
    private readonly spin = defaultSpin(),
  ) {
    const control = new SharedArrayBuffer((ARGS + MAX_ARGS) * 4 + MESSAGE_BYTES);
    this.ctrl = new Int32Array(control, 0, ARGS + MAX_ARGS);
    this.text = new Uint8Array(control, (ARGS + MAX_ARGS) * 4);
    this.exportNames = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.unref();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { module, memory, control, claim: this.claimCounter.buffer, port: port2, exportNames: this.exportNames, spin },
      transferList: [port2],
    });
    this.worker.unref(); // never keeps the process alive
    if (!this.waitWhile([BOOT], startTimeoutMs)) {
      void this.worker.terminate();
      throw new Error(`wasm helper thread: start did not finish within ${startTimeoutMs} ms`);
    }
    if (Atomics.load(this.ctrl, STATE) !== IDLE) this.raise('start');
  }

  /** Hands a gemm_f32/gemm_f64 argument list to the worker; call wait() before the next post. */
  post(kind: GemmKind, args: readonly number[]): void {
    this.postJob(kind === 'f32' ? GEMM_F32 : GEMM_F64, args, 'gemm job');
  }

  /** Hands a call of the kernels module's export `name` (e.g. 'tanh_f32') to the worker. */
  postExport(name: string, args: readonly number[]): void {
    this.postJob(EXPORT, [this.exportIndex(name), args.length, ...args], `${name} job`);
  }

  private exportIndex(name: string): number {
    const index = this.exportNames.indexOf(name);
    if (index < 0) throw new Error(`HelperThread.postExport: the kernels module has no export '${name}'`);
    return index;
  }

  private sendLoops(loops: SharedLoops): void {
    if (!this.sent.has(loops.id)) {
      this.port.postMessage({ id: loops.id, module: loops.module });
      this.sent.add(loops.id);
    }
  }

  /**
   * Hands loop `index` of `loops` over [0, end) to the worker as chunks of `chunk` bytes that both threads claim:
   * the caller runs `claim` with the same chunk and end, so a thread that other jobs slow down takes fewer chunks.
   */
  postLoopClaimed(loops: SharedLoops, index: number, chunk: number, end: number): void {
    this.sendLoops(loops);
    Atomics.store(this.claimCounter, 0, 0);
    this.postJob(LOOP_CLAIMED, [loops.id, index, chunk, end], 'fused loop job');
  }

  /** The same for an export f(x, out, count) over the bytes [0, end) of x and out, elements of 2^shift bytes. */
  postExportClaimed(name: string, x: number, out: number, chunk: number, end: number, shift: number): void {
    const index = this.exportIndex(name);
    Atomics.store(this.claimCounter, 0, 0);
    this.postJob(EXPORT_CLAIMED, [index, x, out, chunk, end, shift], `${name} job`);
  }

  /** The caller's side of a claimed job: runs each chunk [s, e) it claims until none is left. */
  claim(chunk: number, end: number, run: (start: number, end: number) => void): void {
    for (let s: number; (s = Atomics.add(this.claimCounter, 0, chunk)) < end; ) run(s, Math.min(s + chunk, end));
  }

  /** The worker may drop its instance of these loops (their graph was disposed). */
  forgetLoops(id: number): void {
    if (this.sent.delete(id)) this.port.postMessage({ drop: id });
  }

  private postJob(kind: number, args: readonly number[], job: string): void {
    if (this.busy) throw new Error('HelperThread.post: previous job not awaited');
    if (args.length > MAX_ARGS) throw new Error(`HelperThread.post: ${args.length} args, at most ${MAX_ARGS}`);
    this.ctrl[KIND] = kind;
    for (let i = 0; i < args.length; i++) this.ctrl[ARGS + i] = args[i];
    this.busy = true;
    this.job = job;
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

  /**
   * Blocks until the posted job is done (true), or takes it back when the worker has not started it within
   * `timeoutMs` (false: the caller must run it itself; on a machine at load 30+ a thread may wait that long for a core).
   * A started job is always waited for to its end: the worker's job loop reports every failure, so it cannot hang.
   * Throws when the job failed.
   */
  wait(timeoutMs: number): boolean {
    if (!this.busy) return true;
    this.busy = false;
    if (!this.waitWhile([JOB], timeoutMs) && Atomics.compareExchange(this.ctrl, STATE, JOB, IDLE) === JOB) return false;
    this.waitWhile([JOB, RUNNING], Number.POSITIVE_INFINITY);
    if (Atomics.load(this.ctrl, STATE) !== DONE) this.raise(this.job);
    Atomics.store(this.ctrl, STATE, IDLE);
    return true;
  }

  close(): void {
    Atomics.store(this.ctrl, STATE, EXIT);
    Atomics.notify(this.ctrl, STATE);
    this.port.close();
    void this.worker.terminate();
  }

  /** Waits while the state is one of `states`; false when `timeoutMs` passed first. */
  private waitWhile(states: readonly number[], timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    let s: number;
    for (let i = 0; i < this.spin && states.includes(Atomics.load(this.ctrl, STATE)); i++);
    while (states.includes((s = Atomics.load(this.ctrl, STATE)))) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.ctrl, STATE, s, Number.isFinite(left) ? left : undefined) === 'timed-out') {
        return !states.includes(Atomics.load(this.ctrl, STATE));
      }
    }
    return true;
  }

  private raise(what: string): never {
    const end = this.text.indexOf(0);
    const msg = new TextDecoder().decode(this.text.slice(0, end < 0 ? this.text.length : end));
    throw new Error(`wasm helper thread: ${what} failed: ${msg || 'unknown error'}`);
  }
}
