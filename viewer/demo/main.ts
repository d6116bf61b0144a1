// The in-browser demo page: trains the 1D Poisson PINN of poisson.ts in chunks of steps between
// repaints, so the tab stays responsive, and plots the loss and the prediction live. State for
// tests and curious users sits on window.fluxionDemo; body[data-ready] is set after the first step.
// URL parameters: ?steps=N (default 2000), ?backend=webgpu|gpu|js (default webgpu where the browser has a WebGPU
// adapter, else gpu), ?lr=, ?seed=.
import { drawChart } from '../app/chart.js';
import { activate, parseBackend } from './backend.js';
import { createPoissonDemo, createWebGpuPoissonDemo, type AsyncPoissonDemo } from './poisson.js';

export interface DemoState {
  step: number;
  losses: number[];
  /** Relative L2 error of the latest evaluation, and its history with the steps it was taken at. */
  l2re: number;
  l2res: number[];
  l2reSteps: number[];
  backend: string;
  mode: string;
  /** Mean wall time per training step over the run so far (first step, which compiles, excluded). */
  msPerStep: number;
  done: boolean;
  error: string | null;
}

declare global {
  interface Window {
    fluxionDemo: DemoState;
  }
}

/** Wall time per chunk before the page gives the browser a chance to repaint. */
const CHUNK_MS = 50;
const EVAL_EVERY = 10;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function numberParam(q: URLSearchParams, name: string, fallback: number, integer: boolean, zeroAllowed = false): number {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || (v === 0 && !zeroAllowed) || (integer && !Number.isInteger(v))) {
    throw new Error(`?${name}=${raw}: expected a ${zeroAllowed ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}`);
  }
  return v;
}

const state: DemoState = {
  step: 0,
  losses: [],
  l2re: NaN,
  l2res: [],
  l2reSteps: [],
  backend: '',
  mode: '',
  msPerStep: NaN,
  done: false,
  error: null,
};
window.fluxionDemo = state;

function fail(e: unknown): void {
  state.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  state.done = true;
  byId('status').textContent = `error: ${state.error}`;
  byId('status').classList.add('error');
  document.body.dataset.ready = '1';
}

async function draw(demo: AsyncPoissonDemo): Promise<void> {
  const ev = await demo.evaluate();
  state.l2re = ev.l2re;
  state.l2res.push(ev.l2re);
  state.l2reSteps.push(state.step);
  const steps = state.losses.map((_, i) => i + 1);
  drawChart(byId('lossChart'), [
    { name: 'loss', steps, values: state.losses },
    { name: 'rel. L2 error', steps: state.l2reSteps, values: state.l2res },
  ]);
  drawChart(byId('solutionChart'), [
    { name: 'prediction', steps: ev.x, values: ev.u },
    { name: 'exact sin(pi x)', steps: ev.x, values: ev.exact },
  ]);
  byId('step').textContent = String(state.step);
  byId('loss').textContent = state.losses[state.losses.length - 1].toExponential(3);
  byId('l2re').textContent = ev.l2re.toExponential(3);
  byId('ms').textContent = Number.isFinite(state.msPerStep) ? state.msPerStep.toFixed(1) : '-';
}

async function start(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const maxSteps = numberParam(q, 'steps', 2000, true);
  const options = { lr: numberParam(q, 'lr', 5e-3, false), seed: numberParam(q, 'seed', 0, true, true) };
  const active = await activate(parseBackend(q.get('backend')));
  state.backend = active.backend;
  state.mode = active.mode;
  if (active.note) console.warn(active.note);
  byId('backend').textContent =
    active.backend === 'webgpu'
      ? `backend: webgpu (WGSL compute shaders on ${active.mode})`
      : `backend: ${active.backend} (gpu.js mode: ${active.backend === 'gpu' ? active.mode : 'none, CPU reference loops'})`;
  let demo: AsyncPoissonDemo;
  if (active.webgpu) demo = createWebGpuPoissonDemo(active.webgpu, options);
  else {
    const sync = createPoissonDemo(options);
    demo = { step: async () => sync.step(), evaluate: async () => sync.evaluate() };
  }
  let timed = 0;
  let timedSteps = 0;
  let lastEval = -Infinity;

  const chunk = async (): Promise<void> => {
    try {
      const until = performance.now() + CHUNK_MS;
      do {
        const t0 = performance.now();
        state.losses.push(await demo.step());
        state.step++;
        // the first step traces, differentiates and compiles kernels: not a training step's cost
        if (state.step > 1) {
          timed += performance.now() - t0;
          timedSteps++;
          state.msPerStep = timed / timedSteps;
        }
        if (!Number.isFinite(state.losses[state.losses.length - 1]))
          throw new Error(`loss is ${state.losses[state.losses.length - 1]} at step ${state.step}`);
      } while (state.step < maxSteps && performance.now() < until);
      if (state.step - lastEval >= EVAL_EVERY || state.step >= maxSteps) {
        await draw(demo);
        lastEval = state.step;
      }
      document.body.dataset.ready = '1';
      if (state.step >= maxSteps) {
        state.done = true;
        byId('status').textContent = 'done';
        return;
      }
      setTimeout(chunk, 0);
    } catch (e) {
      fail(e);
    }
  };
  byId('status').textContent = 'training...';
  setTimeout(chunk, 0);
}

start().catch(fail);
