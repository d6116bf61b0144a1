// End-to-end: the in-browser training demo (viewer/demo, served at /demo.html) in real headless
// Chromium. Chromium's SwiftShader gives WebGL2 without a GPU, so the gpu backend runs its gpu.js
// kernels as real WebGL2 shaders here; with the WebGPU flags it gives a WebGPU adapter too, and the demo
// then trains on the webgpu backend. Skips, saying why, when Chromium, playwright-core or esbuild
// is missing.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { serveRun, type ViewerServer } from '../../viewer/index.js';
import { getBackend, setBackend, type BackendName } from '../../core/backend/index.js';
import { createPoissonDemo, grid } from '../../viewer/demo/poisson.js';
import type { DemoState } from '../../viewer/demo/main.js';
import { browserTools, launchContext, shots, type BrowserTools } from './chromium.js';

/** Enough Adam steps for the loss to fall by two decades (0.52 -> ~5e-3 at step 150 on both backends). */
const GPU_STEPS = 150;
const JS_STEPS = 40;

const demoState = (page: Page): Promise<DemoState> => page.evaluate(() => (window as unknown as { fluxionDemo: DemoState }).fluxionDemo);

/** Opens the demo and waits until it has finished (or failed). */
async function runDemo(page: Page, url: string, timeout: number): Promise<DemoState> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout });
  await page.waitForFunction(() => (window as unknown as { fluxionDemo: DemoState }).fluxionDemo.done, null, { timeout });
  return demoState(page);
}

/** Distinct colours and the fraction of non-white pixels of a 2D canvas. */
function canvasInk(page: Page, id: string): Promise<{ distinct: number; inked: number }> {
  return page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = new Uint32Array(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.buffer);
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < d.length; i++) {
      colours.add(d[i]);
      if (d[i] !== 0xffffffff) inked++;
    }
    return { distinct: colours.size, inked: inked / d.length };
  }, id);
}

// The page's training problem without the page, on the js reference backend in Node.
describe('demo problem (viewer/demo/poisson.ts)', () => {
  let previous: string;
  before(() => {
    previous = getBackend();
    setBackend('js');
  });
  after(() => setBackend(previous as BackendName));

  it('Adam on the Poisson PINN lowers loss and error against sin(pi x) within 60 steps', () => {
    const demo = createPoissonDemo({ seed: 0 });
    const before = demo.evaluate();
    expect(before.x).to.have.length(101);
    expect(before.exact[50]).to.be.closeTo(1, 1e-12);
    const losses = Array.from({ length: 60 }, () => demo.step());
    const after = demo.evaluate();
    expect(losses[59]).to.be.below(0.3 * losses[0]);
    expect(after.l2re).to.be.below(0.5 * before.l2re);
  });

  it('rejects bad sizes and rates with messages naming them', () => {
    expect(() => createPoissonDemo({ points: 1 })).to.throw(/points: expected an integer >= 2, got 1/);
    expect(() => createPoissonDemo({ lr: 0 })).to.throw(/createPoissonDemo lr: expected a number in \(0,inf\), got 0/);
    expect(() => grid(1.5, 0, 1)).to.throw(/grid: n must be an integer >= 2, got 1.5/);
    expect(grid(3, 0, 1)).to.deep.equal([0, 0.5, 1]);
  });
});

describe('in-browser training demo (headless Chromium)', function () {
  this.timeout(120000);
  let tmp: string;
  let server: ViewerServer;
  let context: BrowserContext;
  let page: Page;
  let gpuRun: DemoState;
  let tools: BrowserTools;
  const pageErrors: string[] = [];

  before(async function () {
    tools = await browserTools('demo end-to-end tests', this);
    tmp = mkdtempSync(join(tmpdir(), 'fluxion-demo-e2e-'));
    // The demo bundles core/, nn/ and optim/ too, so a freshness check would have to cover them all;
    // bundling takes about a second, so the test always bundles the current sources.
    const appDir = join(tmp, 'app');
    await tools.build.buildDemo({ outdir: appDir, minify: false });
    mkdirSync(join(tmp, 'run'));
    server = await serveRun(join(tmp, 'run'), { appDir });
    context = await launchContext(tools, join(tmp, 'profile'), { width: 1280, height: 560 });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    gpuRun = await runDemo(page, `${server.url}demo.html?steps=${GPU_STEPS}`, 100000);
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('trains on the gpu backend in WebGL2 (or WebGL) and says so on the page', async () => {
    expect(gpuRun.error).to.equal(null);
    expect(pageErrors).to.deep.equal([]);
    expect(gpuRun.backend).to.equal('gpu');
    expect(gpuRun.mode).to.be.oneOf(['webgl2', 'webgl']);
    expect(await page.textContent('#backend')).to.contain(`gpu.js mode: ${gpuRun.mode}`);
    expect(gpuRun.step).to.equal(GPU_STEPS);
    expect(gpuRun.losses).to.have.length(GPU_STEPS);
    await page.screenshot({ path: join(shots, 'demo.png') });
    console.log(
      `    gpu (${gpuRun.mode}): ${gpuRun.msPerStep.toFixed(1)} ms/step, loss ${gpuRun.losses[0].toExponential(2)} -> ${gpuRun.losses[GPU_STEPS - 1].toExponential(2)}, L2RE ${gpuRun.l2re.toExponential(2)}`,
    );
  });

  it('the GPU-backend demo reduces its loss and its error against sin(pi x)', () => {
    const { losses, l2res, l2re } = gpuRun;
    expect(losses.every(Number.isFinite)).to.equal(true);
    // untrained: residual term ~0.5; two decades below after 150 Adam steps (observed ~4e-3)
    expect(losses[0]).to.be.within(0.3, 1);
    expect(losses[GPU_STEPS - 1]).to.be.below(0.05 * losses[0]);
    // the tail of the run beats its start, not just one lucky step
    const tail = losses.slice(-10).reduce((s, v) => s + v, 0) / 10;
    expect(tail).to.be.below(0.05 * losses[0]);
    expect(l2res[0]).to.be.above(0.5);
    expect(l2re).to.be.below(0.1);
    expect(l2re).to.be.below(0.2 * l2res[0]);
  });

  it('draws the loss curve and the solution plot (canvases far from blank)', async () => {
    for (const id of ['lossChart', 'solutionChart']) {
      const ink = await canvasInk(page, id);
      // anti-aliased curves, grid lines and labels in several colours
      expect(ink.distinct, id).to.be.greaterThan(30);
      expect(ink.inked, id).to.be.within(0.01, 0.5);
    }
    expect(Number(await page.textContent('#step'))).to.equal(GPU_STEPS);
  });

  it('plots live: the page repainted many times while training, not only at the end', () => {
    const during = gpuRun.l2reSteps.filter((s) => s < GPU_STEPS);
    expect(during.length).to.be.at.least(5);
    expect(new Set(during).size).to.equal(during.length);
  });

  it('the js backend starts from the same loss (same seed) and is timed for comparison', async () => {
    const js = await runDemo(page, `${server.url}demo.html?steps=${JS_STEPS}&backend=js`, 60000);
    expect(js.error).to.equal(null);
    expect(js.backend).to.equal('js');
    // f32 kernels on WebGL2 vs f32 reference loops: same initial network, same loss to ~1e-6
    expect(Math.abs(js.losses[0] - gpuRun.losses[0]) / js.losses[0]).to.be.below(1e-4);
    expect(js.losses[JS_STEPS - 1]).to.be.below(js.losses[0]);
    console.log(`    js: ${js.msPerStep.toFixed(1)} ms/step (gpu ${gpuRun.msPerStep.toFixed(1)} ms/step on ${gpuRun.mode})`);
  });

  it('without WebGPU in the browser, the default is the gpu backend; asking for webgpu there is an error on the page', async () => {
    expect(gpuRun.backend).to.equal('gpu');
    const asked = await runDemo(page, `${server.url}demo.html?backend=webgpu&steps=3`, 20000);
    expect(asked.error).to.match(/webgpu backend: /);
    expect(asked.step).to.equal(0);
  });

  it('with WebGPU (SwiftShader), the default trains the whole Adam step as compute shaders, from the same loss', async () => {
    const ctx = await launchContext(tools, join(tmp, 'profile-webgpu'), { width: 1280, height: 560 }, true);
    try {
      const p = ctx.pages()[0] ?? (await ctx.newPage());
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      const run = await runDemo(p, `${server.url}demo.html?steps=${GPU_STEPS}`, 100000);
      expect(run.error).to.equal(null);
      expect(errors).to.deep.equal([]);
      expect(run.backend).to.equal('webgpu');
      expect(run.mode).to.match(/swiftshader/);
      expect(await p.textContent('#backend')).to.contain('WGSL compute shaders on');
      // same seed, f32 on both: the same first loss; two decades lower after 150 steps, as on the gpu backend
      expect(Math.abs(run.losses[0] - gpuRun.losses[0]) / gpuRun.losses[0]).to.be.below(1e-4);
      expect(run.losses[GPU_STEPS - 1]).to.be.below(0.05 * run.losses[0]);
      expect(run.l2re).to.be.below(0.1);
      console.log(
        `    webgpu (${run.mode}): ${run.msPerStep.toFixed(1)} ms/step (gpu ${gpuRun.msPerStep.toFixed(1)}), loss ${run.losses[0].toExponential(2)} -> ${run.losses[GPU_STEPS - 1].toExponential(2)}, L2RE ${run.l2re.toExponential(2)}`,
      );
    } finally {
      await ctx.close();
    }
  });

  it('shows a bad URL parameter as an error on the page instead of training', async () => {
    const bad = await runDemo(page, `${server.url}demo.html?backend=cuda`, 20000);
    expect(bad.error).to.contain("expected 'webgpu', 'gpu' or 'js'");
    expect(bad.step).to.equal(0);
    expect(await page.textContent('#status')).to.contain("?backend=cuda: expected 'webgpu', 'gpu' or 'js'");
    expect(await page.getAttribute('#status', 'class')).to.equal('error');
  });
});
