// End-to-end: the bundled app in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a fixture run served by serveRun. Skips, saying why, when Chromium,
// playwright-core or esbuild is missing, so machines without a browser stay green.
import { expect } from 'chai';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { writeVtk } from '../../meshes/index.js';
import { serveRun, type ViewerServer } from '../../viewer/index.js';
import { metricsLine, writeFixtureRun, writeOverlaySeries, FRAMES } from './fixture.js';
import { browserTools, openViewer, shots } from './chromium.js';

interface PixelStats {
  width: number;
  height: number;
  distinct: number;
  /** Fraction of pixels that differ from the other image (when one is given). */
  changed: number;
  /** Pixels of the viewer's overlay colours: the goal's green, the truth's orange (blended over the background). */
  green: number;
  orange: number;
}

/** Decodes PNG data URLs in the page and compares them pixel by pixel. */
function pixelStats(page: Page, a: string, b?: string): Promise<PixelStats> {
  return page.evaluate(
    async ([a, b]) => {
      const pixels = async (url: string) => {
        const img = new Image();
        img.src = url;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, c.width, c.height);
      };
      const pa = await pixels(a);
      const colours = new Set<number>();
      const d = new Uint32Array(pa.data.buffer);
      for (let i = 0; i < d.length; i++) colours.add(d[i]);
      let green = 0;
      let orange = 0;
      const px = pa.data;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 1] > 200 && px[i] < 110 && px[i + 2] < 130) green++;
        if (px[i] > 120 && px[i + 1] > 70 && px[i + 1] < px[i] - 30 && px[i + 2] < 90) orange++;
      }
      let changed = 0;
      if (b) {
        const pb = new Uint32Array((await pixels(b)).data.buffer);
        for (let i = 0; i < d.length; i++) if (d[i] !== pb[i]) changed++;
      }
      return { width: pa.width, height: pa.height, distinct: colours.size, changed: changed / d.length, green, orange };
    },
    [a, b] as const,
  );
}

const capture = (page: Page) =>
  page.evaluate(() => (window as unknown as { fluxionViewer: { capture(): Promise<string> } }).fluxionViewer.capture());
const renders = async (page: Page) => Number(await page.getAttribute('body', 'data-renders'));

/** Presses a key on the time slider and waits for the app to draw the new frame. */
async function stepSlider(page: Page, key: string): Promise<void> {
  const before = await renders(page);
  await page.focus('#time');
  await page.keyboard.press(key);
  await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, before);
}

describe('viewer in headless Chromium', () => {
  let tmp: string;
  let run: string;
  let server: ViewerServer;
  let appDir: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    const tools = await browserTools('viewer end-to-end tests', this);
    tmp = mkdtempSync(join(tmpdir(), 'fluxion-viewer-e2e-'));
    run = writeFixtureRun(join(tmp, 'run'));
    ({ appDir, server, context, page } = await openViewer(tools, tmp, run, { width: 960, height: 640 }, pageErrors));
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the fixture run: title, summary, three panels, no errors', async () => {
    expect(await page.textContent('#title')).to.equal('run');
    expect(await page.isHidden('#up'), 'a single run has no sweep page to go back to').to.equal(true);
    expect(await page.textContent('#summary'))
      .to.contain('completed')
      .and.contain('L2RE 1.20e-2');
    expect(await page.textContent('#status')).to.equal('');
    expect(await page.$$eval('#titles > div', (d) => d.map((x) => x.textContent))).to.deep.equal([
      'prediction: u',
      'reference: u_ref',
      'error: u_err',
    ]);
    expect(await page.$$eval('#source option', (o) => o.map((x) => (x as HTMLOptionElement).value))).to.deep.equal([
      'fields/solution.vti',
      'fields/mesh.vtu',
      'fields/robot.pvd',
    ]);
    expect(pageErrors).to.deep.equal([]);
    await page.screenshot({ path: join(shots, 'viewer-fields.png') });
  });

  it('renders the fields: the WebGL canvas is far from blank', async () => {
    const s = await pixelStats(page, await capture(page));
    expect(s.width).to.be.greaterThan(500);
    // Two smooth colour-mapped fields, an error map and three scalar bars: hundreds of colours.
    expect(s.distinct).to.be.greaterThan(200);
  });

  it('the time slider shows another slice of the space-time field', async () => {
    const t0 = await capture(page);
    expect(await page.textContent('#timeLabel')).to.equal('t = 0');
    await stepSlider(page, 'ArrowRight');
    await stepSlider(page, 'ArrowRight');
    expect(await page.textContent('#timeLabel')).to.equal('t = 0.5');
    const t2 = await capture(page);
    const diff = await pixelStats(page, t0, t2);
    // The wave travels 0.3 of the domain: most field pixels change colour.
    expect(diff.changed).to.be.greaterThan(0.1);
    await page.screenshot({ path: join(shots, 'viewer-fields-t2.png') });
    // Back to slice 0 gives the first picture again, pixel for pixel.
    await stepSlider(page, 'Home');
    expect((await pixelStats(page, t0, await capture(page))).changed).to.equal(0);
  });

  it('plays simulation frames from a .pvd series (particles and springs)', async () => {
    const before = await renders(page);
    await page.selectOption('#source', 'fields/robot.pvd');
    await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, before);
    expect(await page.getAttribute('#time', 'max')).to.equal(String(FRAMES - 1));
    const f0 = await capture(page);
    expect((await pixelStats(page, f0)).distinct).to.be.greaterThan(20);
    await stepSlider(page, 'End');
    expect(await page.textContent('#timeLabel')).to.match(/^t = 0\.3/);
    const diff = await pixelStats(page, f0, await capture(page));
    expect(diff.changed).to.be.greaterThan(0.002);
    await page.screenshot({ path: join(shots, 'viewer-particles.png') });
  });

  it('draws the ground truth and the goal over a simulation series, in their own colours', async () => {
    writeOverlaySeries(run);
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#source option')).some((o) => (o as HTMLOptionElement).value === 'fields/goal.pvd'),
    );
    let before = await renders(page);
    await page.selectOption('#source', 'fields/mesh.vtu');
    await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, before);
    before = await renders(page);
    await page.selectOption('#source', 'fields/robot.pvd');
    await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, before);
    // a late render of the previous source (mesh.vtu, field T) can count first: wait for the series' own title
    await page.waitForFunction(() => document.querySelector('#titles > div')?.textContent?.startsWith('prediction: v'));
    expect(await page.$$eval('#titles > div', (d) => d.map((x) => x.textContent))).to.deep.equal([
      'prediction: v + truth (orange) + goal (green)',
    ]);
    // pixels of the overlay colours: the goal's green (0.3, 1, 0.35) and the truth's orange (1, 0.6, 0.15) blended at 0.55
    const counts = await pixelStats(page, await capture(page));
    expect(counts.green, 'goal pixels').to.be.greaterThan(20);
    expect(counts.orange, 'truth pixels').to.be.greaterThan(20);
    await page.screenshot({ path: join(shots, 'viewer-overlays.png') });
  });

  it('draws the metrics chart and follows a run in progress', async () => {
    // 20 steps x (loss, two terms, l2re).
    expect(await page.getAttribute('#chart', 'data-points')).to.equal('80');
    const inked = await page.$eval('#chart', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
      return n / (d.length / 4);
    });
    expect(inked).to.be.greaterThan(0.005);
    // The runner appends lines and writes new fields; the page polls and catches up.
    appendFileSync(join(run, 'metrics.jsonl'), [20, 21, 22, 23, 24].map(metricsLine).join(''));
    writeVtk(join(run, 'fields', 'late.vtu'), {
      kind: 'UnstructuredGrid',
      points: [0, 0, 1, 0, 0, 1],
      pointDim: 2,
      cells: { connectivity: [0, 1, 2], offsets: [3] },
      types: [5],
    });
    await page.waitForFunction(() => document.getElementById('chart')!.dataset.points === '100', undefined, { timeout: 10000 });
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('#source option')).some((o) => (o as HTMLOptionElement).value === 'fields/late.vtu'),
      undefined,
      { timeout: 10000 },
    );
    await page.screenshot({ path: join(shots, 'viewer-live.png') });
    expect(pageErrors).to.deep.equal([]);
  });

  it('starts on an empty run directory and shows outputs as the run writes them', async () => {
    const fresh = join(tmp, 'fresh');
    mkdirSync(fresh);
    const live = await serveRun(fresh, { appDir });
    const p2 = await context.newPage();
    try {
      await p2.goto(live.url);
      await p2.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
      expect(await p2.textContent('#status')).to.equal('no fields yet');
      expect(await p2.getAttribute('#chart', 'data-points')).to.equal('0');
      writeFixtureRun(fresh, 3);
      await p2.waitForFunction(() => Number(document.body.dataset.renders) > 0, undefined, { timeout: 15000 });
      await p2.waitForFunction(() => document.getElementById('chart')!.dataset.points === '12', undefined, { timeout: 15000 });
      expect(await p2.textContent('#status')).to.equal('');
      expect(await p2.$$eval('#titles > div', (d) => d.length)).to.equal(3);
    } finally {
      await p2.close();
      await live.close();
    }
  });
});
