// The webgpu backend's WGSL compute shaders in headless Chromium on SwiftShader's WebGPU adapter (a CPU
// implementation of WebGPU, no GPU needed): every primitive case and a whole PINN gradient against the js
// reference backend in the same tab, and a few resident Adam steps of a PINN against the wasm backend
// here in Node. Skips, saying why, when Chromium, playwright-core or esbuild is missing, or when the
// browser offers no WebGPU adapter.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import * as fx from '../../index.js';
import type { TrainingRun, WebGpuReport } from './pages/webgpuParity.page.js';
import { TRAIN } from './pages/webgpuParity.page.js';
import { browserTools, runPage } from './chromium.js';
import { lrHat, pinnProblem } from '../support/pinnAdamStep.js';
import { relErr } from '../support/check.js';
import { skipBecause } from '../support/skip.js';
import { wasmKernels } from '../../core/backend/wasm.js';

const PAGE = fileURLToPath(new URL('./pages/webgpuParity.page.ts', import.meta.url));
/** Cases that must fail with the backend's own error: an f64 literal. */
const UNSUPPORTED: Array<[RegExp, RegExp]> = [[/^where$/, /webgpu backend: dtype f64 is not supported \(f32 only\)/]];
/** Same tolerances as the gpu.js WebGL2 test (test/viewer/gpuWebgl.test.ts); the spectral-layer DFTs sum shader
 * sin/cos twiddles (measured 3e-5 to 1.1e-4 in SwiftShader), so they get the sin/cos allowance with headroom. */
const tolerance = (name: string): number => (/^(sin|cos)$/.test(name) ? 2e-4 : /dft_modes/.test(name) ? 5e-4 : 1e-5);

/** The same steps as the page's, compiled for wasm here. */
function wasmTraining(): { losses: number[]; params: number[] } {
  const { state, x, step } = pinnProblem(TRAIN.points, TRAIN.layers);
  const compiled = fx.withBackend('wasm', () => fx.jit(step));
  let s = state;
  const losses: number[] = [];
  for (let t = 1; t <= TRAIN.steps; t++) {
    const [l, next] = fx.withBackend('wasm', () => compiled(s, x, lrHat(t)));
    losses.push(l.item());
    s = next;
  }
  return { losses, params: fx.leaves(s.params).flatMap((t) => Array.from(t.dataSync())) };
}

describe('webgpu backend as WGSL compute shaders (headless Chromium, SwiftShader)', function () {
  this.timeout(300000);
  let report: Exclude<WebGpuReport, { unavailable: string }>;

  before(async function () {
    const tools = await browserTools('WebGPU parity tests', this);
    const { result: r, errors } = await runPage<WebGpuReport>(tools, PAGE, 'fluxionWebGpu', { webgpu: true, timeoutMs: 280000 });
    expect(errors).to.deep.equal([]);
    if ('unavailable' in r) {
      console.log(`    (skipped: ${r.unavailable})`);
      skipBecause(this, 'no WebGPU adapter in Chromium');
    }
    report = r;
  });

  it('runs on an adapter (SwiftShader here)', () => {
    console.log(`    adapter: ${report.adapter}`);
    expect(report.rows.length).to.be.above(40);
  });

  it('every supported primitive case matches the js reference, as at least one dispatch', () => {
    const supported = report.rows.filter((r) => !UNSUPPORTED.some(([name]) => name.test(r.name)));
    const bad = supported.filter((r) => r.error || !(r.compiled < tolerance(r.name)));
    expect(bad, JSON.stringify(bad, null, 1)).to.deep.equal([]);
    // reshape of an input is the input itself: no dispatch
    const idle = supported.filter((r) => r.kernels === 0 && r.name !== 'reshape').map((r) => r.name);
    expect(idle).to.deep.equal([]);
    expect(supported.map((r) => r.name)).to.include.members(['scatterAdd', 'gather (repeated indices)', 'matmul batched TT', 'max axis']);
  });

  it("matmuls and reductions off the kernels' block and tile sizes match on both kernel targets (register blocks, workgroup tiles)", () => {
    for (const target of ['cpu', 'gpu'] as const) {
      const rows = report.targets[target];
      expect(rows.length, target).to.be.above(10);
      const bad = rows.filter((r) => r.error || !(r.compiled < 1e-5));
      expect(bad, `${target}: ${JSON.stringify(bad, null, 1)}`).to.deep.equal([]);
    }
  });

  it('f64 values fail with an error naming the backend and what it lacks', () => {
    for (const [name, error] of UNSUPPORTED) {
      const rows = report.rows.filter((r) => name.test(r.name));
      expect(rows.length).to.be.above(0);
      for (const r of rows) expect(r.error, r.name).to.match(error);
    }
  });

  it('FFTs of every kind, power-of-two lengths (Stockham stages) and others (direct DFTs), match the js reference', () => {
    const rows = report.rows.filter((r) => /fft/.test(r.name));
    expect(rows.length).to.be.at.least(14);
    const bad = rows.filter((r) => r.error || !(r.compiled < 1e-5));
    expect(bad, JSON.stringify(bad, null, 1)).to.deep.equal([]);
    const worst = Math.max(...rows.map((r) => r.compiled));
    console.log(`    ${rows.length} FFT cases, worst rel err ${worst.toExponential(1)}`);
  });

  it('seeded draws inside a graph: uniform and Rademacher equal the js/wasm values bit for bit, normal within 8 f32 ulps', () => {
    expect(report.random.length).to.equal(4);
    for (const r of report.random) {
      expect(r.error, r.name).to.equal(undefined);
      if (r.name.startsWith('normal')) expect(r.maxUlps, r.name).to.be.at.most(8);
      else expect(r.differing, r.name).to.equal(0);
      console.log(`    ${r.name}: ${r.differing} of ${r.size} values differ, at most ${r.maxUlps} ulps`);
    }
  });

  it('an FNO-2D value-and-grad (rfft/fft/irfft and their transposes) matches the js reference to 1e-5', () => {
    const f = report.fno2d;
    if ('error' in f) expect.fail(f.error);
    else {
      expect(f.relErr).to.be.below(1e-5);
      console.log(`    FNO-2D value-and-grad (2 x 8^2, w4 m3 2 layers): ${f.kernels} dispatches, rel err ${f.relErr.toExponential(1)}`);
    }
  });

  it('a whole PINN value-and-grad (jets + reverse mode) matches the js reference to 1e-4', () => {
    const p = report.pinn;
    if ('error' in p) expect.fail(p.error);
    else {
      expect(p.relErr).to.be.below(1e-4);
      console.log(`    PINN value-and-grad (256 pts, 2-32-32-1): ${p.kernels} dispatches, rel err ${p.relErr.toExponential(1)}`);
    }
  });

  it('resident Adam steps of a PINN (state never leaves the device) match the wasm backend in f32', function () {
    if (!wasmKernels()) skipBecause(this, 'no wasm build');
    const t = report.training;
    if ('error' in t) expect.fail(t.error);
    const run = t as TrainingRun;
    const ref = wasmTraining();
    expect(run.losses.length).to.equal(TRAIN.steps);
    expect(relErr(run.losses, ref.losses)).to.be.below(1e-4);
    expect(relErr(run.params, ref.params)).to.be.below(1e-5);
    // the loss decreases: the steps train
    expect(run.losses[TRAIN.steps - 1]).to.be.below(run.losses[0]);
    console.log(
      `    ${TRAIN.steps} Adam steps (${TRAIN.points} pts, ${TRAIN.layers.join('-')}): loss ${run.losses[0].toPrecision(4)} -> ${run.losses[TRAIN.steps - 1].toPrecision(4)}, ` +
        `params rel err vs wasm ${relErr(run.params, ref.params).toExponential(1)}, ${run.msPerStep.toFixed(1)} ms/step on SwiftShader`,
    );
  });

  it('outputs stay valid after being fed back as inputs (fresh buffers per call)', () => {
    expect(report.residentRepeat).to.equal(true);
  });

  it("a disposed output's buffer serves the next output, and a read asked for before the dispose keeps its values", () => {
    expect(report.recycled).to.equal('3,5,7 | 21,41,61');
  });
});
