// The browser app's pure modules, run in Node (no vtk.js, no DOM).
import { expect } from 'chai';
import { chartScale, niceTicks } from '../../viewer/app/chartScale.js';
import type { Dataset } from '../../viewer/app/dataset.js';
import { groupFields } from '../../viewer/app/fieldGroups.js';
import { metricCurves, parseMetrics } from '../../viewer/app/metrics.js';
import { runInfo } from '../../viewer/app/runInfo.js';
import { overlaysOf, viewableSources } from '../../viewer/app/sources.js';
import { scalarRange, toSurface, unionBounds } from '../../viewer/app/surface.js';
import { metricsLine } from './fixture.js';

/** Splits a legacy VTK cell array [n, ids.., n, ids..] into cells. */
function cellsOf(a: Uint32Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += a[i] + 1) out.push([...a.subarray(i + 1, i + 1 + a[i])]);
  return out;
}

describe('viewer app: metrics', () => {
  it('parses JSON lines, skipping blank and torn lines', () => {
    const text = metricsLine(0) + '\n' + metricsLine(1) + metricsLine(2).slice(0, 25);
    const rows = parseMetrics(text);
    expect(rows.map((r) => r.step)).to.deep.equal([0, 1]);
  });

  it('makes loss, per-term and l2re curves', () => {
    const curves = metricCurves(parseMetrics([0, 1, 2, 3].map(metricsLine).join('')));
    expect(curves.map((c) => c.name)).to.deep.equal(['loss', 'loss:pde', 'loss:bc', 'l2re']);
    const loss = curves[0];
    expect(loss.steps).to.deep.equal([0, 1, 2, 3]);
    expect(loss.values[2]).to.be.closeTo(Math.exp(-2 / 8) + 1e-3, 1e-15);
    expect(curves[1].values[3] + curves[2].values[3]).to.be.closeTo(loss.values[3], 1e-15);
  });

  it('ignores non-finite values (a diverged step) instead of breaking the chart', () => {
    const curves = metricCurves([
      { step: 0, loss: 1 },
      { step: 1, loss: null },
      { step: 2, loss: 0.5 },
    ]);
    expect(curves[0].steps).to.deep.equal([0, 2]);
  });

  it('scales y logarithmically over whole decades when all values are positive', () => {
    const s = chartScale([{ name: 'loss', steps: [0, 10], values: [0.5, 2e-4] }])!;
    expect(s.log).to.equal(true);
    expect([s.yMin, s.yMax]).to.deep.equal([-4, 0]);
    expect([s.xMin, s.xMax]).to.deep.equal([0, 10]);
    const lin = chartScale([{ name: 'x', steps: [3], values: [-2] }])!;
    expect(lin.log).to.equal(false);
    expect(lin.yMax - lin.yMin).to.be.greaterThan(0);
    expect(lin.xMax - lin.xMin).to.be.greaterThan(0);
    expect(chartScale([])).to.equal(undefined);
  });
});

describe('viewer app: chart ticks', () => {
  it('places ticks at 1/2/5 x 10^k inside the range', () => {
    expect(niceTicks(0, 19, 5)).to.deep.equal([0, 5, 10, 15]);
    expect(niceTicks(0, 24, 5)).to.deep.equal([0, 5, 10, 15, 20]);
    expect(niceTicks(-4, 0, 6)).to.deep.equal([-4, -3, -2, -1, 0]);
    expect(niceTicks(0.013, 0.052, 4)).to.deep.equal([0.02, 0.03, 0.04, 0.05]);
    expect(niceTicks(3, 3, 4)).to.deep.equal([3]);
  });
});

describe('viewer app: field groups and sources', () => {
  it('pairs prediction with _ref and _err, hides the inside mask', () => {
    expect(groupFields(['u', 'u_ref', 'u_err', 'inside', 'v', 'p_ref'])).to.deep.equal([
      { base: 'u', prediction: 'u', reference: 'u_ref', error: 'u_err' },
      { base: 'v', prediction: 'v' },
      { base: 'p_ref', prediction: 'p_ref' },
    ]);
  });

  it('lists VTK files and series, folding series frames and skipping checkpoints', () => {
    const f = (path: string) => ({ path, size: 1, mtime: 0 });
    const s = viewableSources(
      [
        'fields/robot_0000.vtp',
        'fields/robot_0001.vtp',
        'fields/robot.pvd',
        'fields/mesh.vtu',
        'fields/solution.vti',
        'fields/other_0001.vtp',
        'checkpoint/x.vti',
        'metrics.jsonl',
      ].map(f),
    );
    expect(s).to.deep.equal([
      { path: 'fields/solution.vti', series: false },
      { path: 'fields/mesh.vtu', series: false },
      { path: 'fields/robot.pvd', series: true },
      { path: 'fields/other_0001.vtp', series: false },
    ]);
  });

  it('overlays a series with its ground truth and goal where the listing has them', () => {
    const src = (path: string) => ({ path, series: path.endsWith('.pvd') });
    const sources = [
      'fields/test_0.pvd',
      'fields/test_0_truth.pvd',
      'fields/test_1.pvd',
      'fields/robot_2.pvd',
      'fields/goal_2.pvd',
      'fields/particles.pvd',
      'fields/goal.pvd',
      'fields/goal_2_0001.vtp',
    ].map(src);
    expect(overlaysOf('fields/test_0.pvd', sources)).to.deep.equal([{ path: 'fields/test_0_truth.pvd', kind: 'truth' }]);
    expect(overlaysOf('fields/test_1.pvd', sources)).to.deep.equal([]);
    expect(overlaysOf('fields/robot_2.pvd', sources)).to.deep.equal([{ path: 'fields/goal_2.pvd', kind: 'goal' }]);
    expect(overlaysOf('fields/particles.pvd', sources)).to.deep.equal([{ path: 'fields/goal.pvd', kind: 'goal' }]);
    // a truth or goal series, or a single file, is drawn alone
    expect(overlaysOf('fields/test_0_truth.pvd', sources)).to.deep.equal([]);
    expect(overlaysOf('fields/goal_2.pvd', sources)).to.deep.equal([]);
    expect(overlaysOf('fields/goal_2_0001.vtp', sources)).to.deep.equal([]);
  });

  it('reads the time flag from the config and a summary line', () => {
    const info = runInfo('kind: pinn\ntime: [0, 1]\n', JSON.stringify({ status: 'completed', steps: 10, l2re: 0.0123 }));
    expect(info.timeDependent).to.equal(true);
    expect(info.summaryLine).to.contain('completed').and.contain('10 steps').and.contain('1.23e-2');
    expect(runInfo('kind: pinn\n', undefined)).to.deep.equal({ timeDependent: false, summaryLine: 'running…' });
    expect(runInfo(': : bad', '{').timeDependent).to.equal(false);
  });
});

describe('viewer app: surfaces', () => {
  const image = (dims: [number, number, number], inside?: number[]): Dataset => {
    const n = dims[0] * dims[1] * dims[2];
    const pointData = [{ name: 'u', components: 1, values: Float64Array.from({ length: n }, (_, i) => i) }];
    if (inside) pointData.push({ name: 'inside', components: 1, values: Float64Array.from(inside) });
    return { kind: 'ImageData', dims, origin: [1, 2, 0], spacing: [0.5, 0.25, 1], pointData };
  };

  it('turns a 2D image into (nx-1)(ny-1) quads with the right coordinates', () => {
    const s = toSurface(image([4, 3, 1]));
    const quads = cellsOf(s.polys);
    expect(quads.length).to.equal(3 * 2);
    expect(quads[0]).to.deep.equal([0, 1, 5, 4]);
    expect([...s.points.subarray(3 * 6, 3 * 6 + 3)]).to.deep.equal([2, 2.25, 0]); // i=2, j=1
    expect(s.scalars.get('u')!.length).to.equal(12);
  });

  it('takes slice k of a 3-axis image (time on the last axis)', () => {
    const s = toSurface(image([3, 2, 4]), 2);
    expect([...s.scalars.get('u')!]).to.deep.equal([12, 13, 14, 15, 16, 17]);
    expect(() => toSurface(image([3, 2, 4]), 4)).to.throw(/slice.*0\.\.3.*4/);
  });

  it('drops quads that touch points outside the domain', () => {
    // 3x3 points, centre point outside: every one of the 4 quads touches it.
    const s = toSurface(image([3, 3, 1], [1, 1, 1, 1, 0, 1, 1, 1, 1]));
    expect(cellsOf(s.polys)).to.have.length(0);
    const t = toSurface(image([3, 3, 1], [0, 1, 1, 1, 1, 1, 1, 1, 1]));
    expect(cellsOf(t.polys)).to.have.length(3);
  });

  it('draws a 1D image as one polyline', () => {
    const s = toSurface(image([5, 1, 1]));
    expect(cellsOf(s.lines)).to.deep.equal([[0, 1, 2, 3, 4]]);
    expect(s.polys.length).to.equal(0);
  });

  it('splits unstructured cells by type; tets become 4 faces, vectors become magnitudes', () => {
    const ds: Dataset = {
      kind: 'UnstructuredGrid',
      points: Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
      cells: { connectivity: Int32Array.from([0, 1, 2, 3, 0, 1, 3]), offsets: Int32Array.from([4, 6, 7]) },
      types: Int32Array.from([10, 3, 1]),
      pointData: [{ name: 'v', components: 3, values: Float64Array.from([3, 4, 0, 0, 0, 0, 1, 2, 2, 0, 0, -1]) }],
    };
    const s = toSurface(ds);
    expect(cellsOf(s.polys)).to.have.length(4);
    expect(cellsOf(s.lines)).to.deep.equal([[0, 1]]);
    expect(cellsOf(s.verts)).to.deep.equal([[3]]);
    expect([...s.scalars.get('v')!]).to.deep.equal([5, 0, 3, 1]);
  });

  it('passes particles and springs through from PolyData', () => {
    const ds: Dataset = {
      kind: 'PolyData',
      points: Float64Array.from([0, 0, 0, 1, 0, 0, 2, 0, 0]),
      pointData: [],
      verts: { connectivity: Int32Array.from([0, 1, 2]), offsets: Int32Array.from([1, 2, 3]) },
      lines: { connectivity: Int32Array.from([0, 1, 1, 2]), offsets: Int32Array.from([2, 4]) },
    };
    const s = toSurface(ds);
    expect(cellsOf(s.verts)).to.deep.equal([[0], [1], [2]]);
    expect(cellsOf(s.lines)).to.deep.equal([
      [0, 1],
      [1, 2],
    ]);
  });

  it('frames the union of several frames (a moving robot stays in view)', () => {
    const frame = (dx: number): Dataset => ({ kind: 'PolyData', points: Float64Array.from([dx, 0, 0, dx + 1, 2, 0]), pointData: [] });
    expect(unionBounds([toSurface(frame(0)), toSurface(frame(3))])).to.deep.equal([0, 4, 0, 2, 0, 0]);
  });

  it('shares one colour range across prediction and reference, widening constant fields', () => {
    expect(scalarRange([Float32Array.from([0, 2]), Float32Array.from([-1, 1, NaN])])).to.deep.equal([-1, 2]);
    expect(scalarRange([Float32Array.from([3, 3])])).to.deep.equal([2.5, 3.5]);
    expect(scalarRange([])).to.deep.equal([0, 1]);
  });
});
