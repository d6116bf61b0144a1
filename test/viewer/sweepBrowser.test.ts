// End-to-end: the sweep page in real headless Chromium (Debian's /usr/bin/chromium via playwright-core) against a
// fixture sweep served by serveRun: sort by l2re, overlay two runs' curves, follow a run's link to its own page.
// Skips, saying why, without Chromium, playwright-core or esbuild.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { ViewerServer } from '../../viewer/index.js';
import { browserTools, openViewer, shots } from './chromium.js';
import { SWEEP_STEPS, type SweepFixture, writeFixtureSweep } from './sweepFixture.js';

describe('sweep page in headless Chromium', () => {
  let tmp: string;
  let fx: SweepFixture;
  let server: ViewerServer;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const columnTexts = (column: string): Promise<string[]> =>
    page.$$eval(`#rows td[data-column="${column}"]`, (tds) => tds.map((td) => td.textContent ?? ''));

  before(async function () {
    const tools = await browserTools('sweep page end-to-end tests', this);
    tmp = mkdtempSync(join(tmpdir(), 'fluxion-viewer-sweep-e2e-'));
    fx = writeFixtureSweep(join(tmp, 'lr'));
    ({ server, context, page } = await openViewer(tools, tmp, fx.dir, { width: 960, height: 700 }, pageErrors));
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows one row per run, pending and failed ones included', async () => {
    expect(await page.textContent('#title')).to.equal('sweep lr');
    expect(await page.textContent('#status')).to.equal('');
    expect(await columnTexts('id')).to.deep.equal(fx.runs.map((r) => r.id));
    expect(await columnTexts('status')).to.deep.equal(['completed', 'completed', 'failed', 'pending']);
    expect(await page.$$eval('#head th', (th) => th.map((t) => t.textContent))).to.deep.equal([
      '',
      'run',
      'training.lr',
      'seed',
      'status',
      'steps',
      'loss',
      'l2re',
      'wall time (s)',
    ]);
    expect(pageErrors).to.deep.equal([]);
  });

  it('sorts by l2re numerically, ascending then descending, empty cells last', async () => {
    const completed = fx.runs.filter((r) => fx.l2re.get(r.id) !== undefined);
    const ascending = [...completed].sort((a, b) => fx.l2re.get(a.id)! - fx.l2re.get(b.id)!).map((r) => r.id);
    const empty = fx.runs.filter((r) => fx.l2re.get(r.id) === undefined).map((r) => r.id);
    await page.click('#head th[data-column="l2re"]');
    expect(await columnTexts('id')).to.deep.equal([...ascending, ...empty]);
    await page.click('#head th[data-column="l2re"]');
    expect(await columnTexts('id')).to.deep.equal([...ascending.reverse(), ...empty]);
    expect(await page.getAttribute('#head th[data-column="l2re"]', 'data-sort')).to.equal('desc');
    // Numeric, not text order: 1e-7 < 0.003 (the text '1e-7' sorts after '0.003').
    await page.click('#head th[data-column="param:training.lr"]');
    expect(await columnTexts('param:training.lr')).to.deep.equal(['1e-7', '1e-7', '0.003', '0.003']);
  });

  it('overlays the loss and l2re curves of two selected runs, one legend entry each', async () => {
    const [a, b] = fx.runs;
    await page.check(`#rows tr[data-run="${a.id}"] input[type=checkbox]`);
    await page.check(`#rows tr[data-run="${b.id}"] input[type=checkbox]`);
    await page.waitForFunction((want) => document.body.dataset.plotted === want, `${a.id} ${b.id}`, { timeout: 10000 });
    const legend = await page.$$eval('#legend li', (li) => li.map((l) => l.textContent ?? ''));
    expect(legend).to.have.length(2);
    expect(legend[0]).to.contain(a.id).and.contain('training.lr=0.003').and.contain('seed=0');
    expect(legend[1]).to.contain(b.id).and.contain('seed=1');
    const colours = await page.$$eval('#legend .swatch', (s) => s.map((x) => (x as HTMLElement).style.background));
    expect(new Set(colours).size).to.equal(2);
    // Two runs x (loss, l2re) x SWEEP_STEPS points.
    expect(await page.getAttribute('#chart', 'data-points')).to.equal(String(2 * 2 * SWEEP_STEPS));
    await page.screenshot({ path: join(shots, 'viewer-sweep.png') });
    await page.uncheck(`#rows tr[data-run="${a.id}"] input[type=checkbox]`);
    await page.waitForFunction((want) => document.body.dataset.plotted === want, b.id, { timeout: 10000 });
    expect(await page.$$eval('#legend li', (li) => li.length)).to.equal(1);
    expect(pageErrors).to.deep.equal([]);
  });

  it("follows a run's link to its own page, served under the sweep", async () => {
    const id = fx.runs[0].id;
    await Promise.all([page.waitForURL(`**/runs/${id}/`), page.click(`#rows tr[data-run="${id}"] a`)]);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    expect(await page.textContent('#title')).to.equal(id);
    expect(await page.textContent('#summary')).to.contain('completed');
    // The run page's chart reads the run's own metrics.jsonl: SWEEP_STEPS x (loss, one term, l2re).
    await page.waitForFunction((n) => document.getElementById('chart')!.dataset.points === n, String(3 * SWEEP_STEPS), { timeout: 10000 });
    // ... and links back to the sweep page.
    await Promise.all([page.waitForURL(server.url), page.click('#up')]);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    expect(await page.textContent('#title')).to.equal('sweep lr');
    expect(pageErrors).to.deep.equal([]);
  });
});
