// YAML: coefficient fields and initial conditions from data files, data conditions' field/fields/columns/
// values: exact, point constraints, and files of one 2-D array (.npy/.npz) split into columns.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { encodeNpy } from '../../meshes/index.js';
import * as pinn from '../../pinn/index.js';
import { parseConfigText } from '../../runner/config.js';
import { pinnProblem } from '../../runner/pinnAdapter.js';
import type { PinnConfig } from '../../runner/schema.js';
import { tempDir } from './helpers.js';

const dir = tempDir('fluxion-tabulated-');
const put = (name: string, body: string | Uint8Array): void => writeFileSync(join(dir, name), body);

function problemOf(lines: string[], head = 'geometry: { type: rectangle, min: [0, 0], max: [1, 1] }'): ReturnType<typeof pinnProblem> {
  const c = parseConfigText(['kind: pinn', 'name: t', 'seed: 1', head, ...lines].join('\n')) as PinnConfig;
  return pinnProblem(c, { configDir: dir });
}
const trainer = (p: ReturnType<typeof pinnProblem>): pinn.PinnTrainer =>
  new pinn.PinnTrainer(p.spec, {
    ...p.options,
    dtype: 'f64',
    net: { hidden: [5], seed: 1 },
    points: { domain: 16, boundary: 8, initial: 8 },
  });
const dataInputs = (p: ReturnType<typeof pinnProblem>, name: string): string[] => {
  const t = pinn.compileProblem(p.spec).terms.find((k) => k.name === name) as pinn.Term;
  return Object.keys(t.draw(0, 'uniform', 0).inputs ?? {});
};

/** An .npz archive (stored, no compression) of the given arrays. */
function npz(arrays: Record<string, { data: number[]; shape: number[] }>): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    const body = Buffer.from(encodeNpy(Float64Array.from(a.data), a.shape));
    const fname = Buffer.from(`${name}.npy`);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt32LE(crc32(body), 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(body.length, 22);
    lh.writeUInt16LE(fname.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt32LE(crc32(body), 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(body.length, 24);
    ch.writeUInt16LE(fname.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, fname, body);
    central.push(ch, fname);
    offset += 30 + fname.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// observations of u = x + y and of the unknown coefficient field a = 2 at 6 points, plus a junk column
const obsRows = [
  [0.1, 0.2],
  [0.3, 0.9],
  [0.5, 0.5],
  [0.7, 0.1],
  [0.9, 0.6],
  [0.2, 0.7],
];
put('obs.dat', ['x y u a', ...obsRows.map(([x, y]) => `${x} ${y} ${x + y} 2`)].join('\n'));
put('obs-named.dat', ['X Y junk uu', ...obsRows.map(([x, y]) => `${x} ${y} 7 ${x + y}`)].join('\n'));
put('pts.dat', ['x y', ...obsRows.map(([x, y]) => `${x} ${y}`)].join('\n'));
const inverse = ['fields: [u, a]', "pde: ['a * lap(u)']", 'unknowns: { k: 1 }'];

describe('runner: data conditions observe only their fields', () => {
  it('field: u leaves the unknown coefficient field a out of the data term (all fields without it)', () => {
    expect(dataInputs(problemOf([...inverse, 'conditions: [{ type: data, file: obs.dat, field: u, n: 6 }]']), 'data0')).to.deep.equal([
      'u',
    ]);
    expect(dataInputs(problemOf([...inverse, 'conditions: [{ type: data, file: obs.dat, fields: [u], n: 6 }]']), 'data0')).to.deep.equal([
      'u',
    ]);
    expect(dataInputs(problemOf([...inverse, 'conditions: [{ type: data, file: obs.dat, n: 6 }]']), 'data0')).to.deep.equal(['u', 'a']);
  });

  it('the data loss of field: u is the mean squared error of u alone', () => {
    const p = problemOf([...inverse, 'conditions: [{ type: data, file: obs.dat, field: u, n: 6 }]']);
    const tr = trainer(p);
    const pts = Float64Array.from(obsRows.flat());
    const u = tr.predict(pts, 6).u;
    const want = obsRows.reduce((s, [x, y], i) => s + (u[i] - (x + y)) ** 2, 0) / 6;
    expect(tr.losses().data0).to.be.closeTo(want, 1e-12);
  });

  it('columns: picks the coordinate and field columns of a multi-column file', () => {
    const p = problemOf([...inverse, 'conditions: [{ type: data, file: obs-named.dat, field: u, columns: [X, Y, uu], n: 6 }]']);
    const d = p.spec.conditions?.[0] as pinn.DataSpec;
    const rows = Array.from({ length: 6 }, (_, i) => [d.points[2 * i], d.points[2 * i + 1], d.values.u[i]]);
    expect(rows.map(([x, y, u]) => u - x - y).every((v) => Math.abs(v) < 1e-12)).to.equal(true);
    expect(Object.keys(d.values)).to.deep.equal(['u']);
  });

  it('values: exact observes the exact solution at the points a file lists', () => {
    const p = problemOf(["pde: ['lap(u)']", "exact: 'x*x - y*y'", 'conditions: [{ type: data, file: pts.dat, values: exact, n: 6 }]']);
    const d = p.spec.conditions?.[0] as pinn.DataSpec;
    expect(d.values.u.length).to.equal(6);
    for (let i = 0; i < 6; i++) expect(d.values.u[i]).to.be.closeTo(d.points[2 * i] ** 2 - d.points[2 * i + 1] ** 2, 1e-15);
    expect([...d.points].sort()).to.deep.equal(obsRows.flat().sort());
  });

  it('a point constraint { type: point, at, field, value } pins the field at one or several points', () => {
    const p = problemOf([
      'fields: [u, p]',
      "pde: ['lap(u)', 'lap(p)']",
      "conditions: [{ type: point, at: [0, 0], field: p }, { type: point, name: pins, at: [[1, 0], [0.5, 0.5]], value: 'x + 1' }]",
    ]);
    expect(p.spec.conditions).to.have.length(2);
    const tr = trainer(p);
    const pred = tr.predict(Float64Array.from([0, 0, 1, 0, 0.5, 0.5]), 3);
    const l = tr.losses();
    expect(l.point0).to.be.closeTo(pred.p[0] ** 2, 1e-12);
    expect(l.pins).to.be.closeTo(((pred.u[1] - 2) ** 2 + (pred.u[2] - 1.5) ** 2) / 2, 1e-12);
  });

  it('a file of one [n, 3] array (.npy, or .npz arr_0) is split into columns: columns names them, default coords then fields', () => {
    // columns t, x, u with u = x - t, in a problem whose coordinates are (x, t)
    const rows = [
      [0, 0.1],
      [0.5, 0.2],
      [1, 0.9],
      [0.25, 0.4],
    ].map(([t, x]) => [t, x, x - t]);
    put('txu.npy', encodeNpy(Float64Array.from(rows.flat()), [4, 3]));
    put('xtu.npz', npz({ arr_0: { data: rows.flatMap(([t, x, u]) => [x, t, u]), shape: [4, 3] } }));
    const head = 'geometry: { type: interval, min: 0, max: 1 }\ntime: [0, 1]';
    for (const cond of ['{ type: data, file: txu.npy, columns: [t, x, u], n: 4 }', '{ type: data, file: xtu.npz, n: 4 }']) {
      const d = problemOf(["pde: ['u_t + u_x']", `conditions: [${cond}]`], head).spec.conditions?.[0] as pinn.DataSpec;
      for (let i = 0; i < 4; i++) expect(d.values.u[i], cond).to.be.closeTo(d.points[2 * i] - d.points[2 * i + 1], 1e-15);
      expect(Array.from(d.values.u).sort()).to.deep.equal(rows.map((r) => r[2]).sort());
    }
  });
});

describe('runner: coefficients and initial conditions from files', () => {
  // a(x, y) = 1 + x + 2y on a 5 x 4 grid (rows in any order); scattered copies for nearest
  const grid = [0, 0.25, 0.5, 0.75, 1].flatMap((x) => [0, 0.3, 0.6, 1].map((y) => [x, y, 1 + x + 2 * y]));
  put('a.dat', ['x y a', ...grid.reverse().map((r) => r.join(' '))].join('\n'));
  put('a-cols.dat', ['px py val', ...grid.map((r) => r.join(' '))].join('\n'));
  put('a.npy', encodeNpy(Float64Array.from(grid.flat()), [grid.length, 3]));

  it('a PDE and a condition value with a file coefficient equal the same ones with the equivalent expression', () => {
    const pde = (a: string): string[] => [`pde: ['${a} * lap(u) + u = x']`, `conditions: [{ type: dirichlet, value: '${a} * y' }]`];
    const ref = trainer(problemOf(pde('(1 + x + 2*y)')));
    const pts = Float64Array.from([0.1, 0.2, 0.55, 0.95, 0.8, 0.33]);
    const want = ref.pdeResiduals(pts)[0];
    for (const coef of [
      '{ a: { file: a.dat } }',
      '{ a: { file: a-cols.dat, columns: [px, py, val] } }',
      '{ a: { file: a.npy, interpolation: linear } }',
    ]) {
      const tr = trainer(problemOf([...pde('a'), `coefficients: ${coef}`]));
      const got = tr.pdeResiduals(pts)[0];
      for (let i = 0; i < 3; i++) expect(got[i], coef).to.be.closeTo(want[i], 1e-12);
      expect(tr.losses().dirichlet0, coef).to.be.closeTo(ref.losses().dirichlet0, 1e-12);
      // the fixed-points check and keep_best score the residual with the coefficient at their own points too
      expect(tr.residualRatio(), coef).to.be.closeTo(ref.residualRatio() as number, 1e-9);
      expect(tr.heldOutResidual(32), coef).to.be.closeTo(ref.heldOutResidual(32), 1e-12);
    }
  });

  it('nearest interpolation of a coefficient takes the nearest table value', () => {
    const p = problemOf(["pde: ['a * lap(u)']", 'coefficients: { a: { file: a.dat, interpolation: nearest } }']);
    const a = p.spec.coefficients?.a as pinn.PointCoefficient;
    expect(a(Float64Array.of(0.2, 0.2))).to.be.closeTo(1 + 0.25 + 0.6, 1e-15);
    expect(a(Float64Array.of(0.9, 0.1))).to.be.closeTo(1 + 1 + 0, 1e-15);
  });

  it('a coefficient file without the time column serves a time-dependent problem', () => {
    put('ax.dat', ['x a', '0 1', '0.5 2', '1 4'].join('\n'));
    const head = 'geometry: { type: interval, min: 0, max: 1 }\ntime: [0, 1]';
    for (const coef of ['{ a: { file: ax.dat } }', '{ a: { file: ax.dat, columns: [x, a] } }']) {
      const a = problemOf(["pde: ['u_t - a * u_xx']", `coefficients: ${coef}`], head).spec.coefficients?.a as pinn.PointCoefficient;
      expect(a(Float64Array.of(0.75, 0.3)), coef).to.be.closeTo(3, 1e-15);
    }
  });

  it('a tabulated initial condition equals the analytic one at its nodes (and nearly between them)', () => {
    const xs = Array.from({ length: 201 }, (_, i) => i / 200);
    put('u0.dat', ['xx uu', ...xs.map((x) => `${x} ${Math.sin(Math.PI * x)}`)].join('\n'));
    const head = 'geometry: { type: interval, min: 0, max: 1 }\ntime: [0, 1]';
    const file = problemOf(["pde: ['u_t - u_xx']", 'conditions: [{ type: initial, file: u0.dat, columns: [xx, uu] }]'], head);
    const analytic = problemOf(["pde: ['u_t - u_xx']", "conditions: [{ type: initial, value: 'sin(pi*x)' }]"], head);
    const u0 = Object.values(file.spec.coefficients ?? {})[0];
    for (const x of [0, 0.005, 0.3, 0.5, 1]) expect(u0(Float64Array.of(x, 0))).to.be.closeTo(Math.sin(Math.PI * x), 1e-14);
    const [lf, la] = [trainer(file).losses().initial0, trainer(analytic).losses().initial0];
    expect(Math.abs(lf - la)).to.be.lessThan(1e-4 * la);
  });
});
