// The gpu backend's kernels as real WebGL2 shaders: headless Chromium (SwiftShader, no GPU needed)
// runs every primitive case and a whole PINN gradient on gpu.js's webgl2 mode, against the js
// reference backend in the same tab (pages/gpuParity.page.ts). Skips, saying why, when Chromium,
// playwright-core or esbuild is missing.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { ParityReport } from './pages/gpuParity.page.js';
import { browserTools, runPage } from './chromium.js';

const PAGE = fileURLToPath(new URL('./pages/gpuParity.page.ts', import.meta.url));
/** No device kernel by design: FFTs and the spectral-layer DFTs and weight blocks stay on the reference loops,
 * reshape is a no-op, and the shared `where` case's condition is an f64 literal. */
const HOST_ONLY = /fft|dft_modes|complex_block|reshape|^where$/;
/**
 * Relative error allowed against the f32 reference loops. GLSL leaves the precision of sin and cos
 * to the implementation; SwiftShader's are good to ~1e-4 (measured 4.5e-5 and 8.1e-5 here), the
 * rest to a few ulp.
 */
const tolerance = (name: string): number => (/^(sin|cos)$/.test(name) ? 2e-4 : 1e-5);

describe('gpu backend as WebGL2 shaders (headless Chromium)', function () {
  this.timeout(180000);
  let report: ParityReport;

  before(async function () {
    const tools = await browserTools('WebGL2 parity tests', this);
    const { result, errors } = await runPage<ParityReport>(tools, PAGE, 'fluxionParity', { webgpu: false, timeoutMs: 150000 });
    expect(errors).to.deep.equal([]);
    report = result;
  });

  it('runs in gpu.js webgl2 mode', () => {
    expect(report.mode).to.equal('webgl2');
    expect(report.rows.length).to.be.above(40);
  });

  it('every primitive case, eager and compiled, matches the js reference', () => {
    const bad = report.rows.filter((r) => r.error || !(r.eager < tolerance(r.name) && r.compiled < tolerance(r.name)));
    expect(bad, JSON.stringify(bad, null, 1)).to.deep.equal([]);
  });

  it('every case outside the host-only ones ran as at least one shader', () => {
    const missing = report.rows.filter((r) => !HOST_ONLY.test(r.name) && r.kernels === 0).map((r) => r.name);
    expect(missing).to.deep.equal([]);
  });

  it('a whole PINN gradient (jets + reverse mode, pipelined textures) matches to 1e-4, all on device', () => {
    const p = report.pinn;
    if ('error' in p) expect.fail(p.error);
    else {
      expect(p.relErr).to.be.below(1e-4);
      expect(p.hostSteps).to.deep.equal([]);
      console.log(
        `    PINN value-and-grad (256 pts, 2-32-32-1): ${p.kernels} shaders, ${p.msPerStep.toFixed(1)} ms/step on SwiftShader, rel err ${p.relErr.toExponential(1)}`,
      );
    }
  });
});
