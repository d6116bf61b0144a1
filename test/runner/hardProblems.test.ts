// Issue 14 runner features: ODE domains (time without geometry), per-equation loss terms from YAML, unknowns
// with true values in metrics/summary, L-BFGS tolerances ending a run early, the --steps vs finetune warning.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { parseConfigText } from '../../runner/config.js';
import { pinnProblem } from '../../runner/pinnAdapter.js';
import { readMetrics, type Summary } from '../../runner/outputs.js';
import type { PinnConfig } from '../../runner/schema.js';
import { PinnTrainer } from '../../pinn/index.js';
import { readVtk } from '../../meshes/index.js';
import { pinnYaml, quadraticFactory, sinks, tempDir, writeConfig } from './helpers.js';

const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
const ode = (extra: string[]) =>
  ['kind: pinn', 'name: decay', 'seed: 0', 'time: [0, 2]', 'network: { layers: [16, 16] }', 'output: { resolution: 21 }', ...extra].join(
    '\n',
  );
const lorenz = [
  'kind: pinn',
  'name: lorenz',
  'time: [0, 3]',
  'fields: [x_, y_, z_]',
  'constants: { s: 10, r: 28, b: 2.6667 }',
  'pde:',
  "  - 'x__t = s*(y_ - x_)'",
  "  - { eq: 'y__t = x_*(r - z_) - y_', name: lorenz_y, weight: 2 }",
  "  - 'z__t - x_*y_ + b*z_'",
  'conditions:',
  '  - { type: initial, field: x_, value: -8 }',
  '  - { type: initial, field: y_, value: 7 }',
  '  - { type: initial, field: z_, value: 27 }',
].join('\n');

describe('runner: ODE problems (time without geometry)', () => {
  const dir = tempDir('fluxion-ode-');

  it("u' = -u, u(0) = 1 on [0, 2] trains to l2re < 1e-2; fields on the 1-D time grid", async () => {
    const cfg = writeConfig(
      dir,
      ode([
        "pde: ['u_t + u']",
        'conditions: [{ type: initial, value: 1 }]',
        "exact: 'exp(-t)'",
        'training: { steps: 150, lr: 0.01, log_every: 50, points: { domain: 64, initial: 1 } }',
      ]),
      'ode.yaml',
    );
    const out = join(dir, 'ode');
    expect(await main(['run', cfg, '--out', out, '--quiet'], sinks().deps)).to.equal(0);
    const s = summaryOf(out);
    expect(s.l2re!).to.be.below(1e-2);
    expect(Object.keys(s.terms!)).to.deep.equal(['pde', 'initial0']);
    const ds = readVtk(join(out, 'fields', 'solution.vti'));
    if (ds.kind !== 'ImageData') throw new Error(`expected ImageData, got ${ds.kind}`);
    expect(ds.dims).to.deep.equal([21, 1, 1]);
    expect(ds.spacing[0]).to.be.closeTo(0.1, 1e-15);
    const ref = ds.pointData.find((a) => a.name === 'u_ref')!.values;
    expect(ref[20]).to.be.closeTo(Math.exp(-2), 1e-6);
  });

  it('the Lorenz system (fields x_, y_, z_, coordinate t) validates and has 3 pde terms with the YAML weight', () => {
    const s = sinks();
    const cfg = writeConfig(dir, lorenz, 'lorenz.yaml');
    return main(['validate', cfg], s.deps).then((code) => {
      expect(code).to.equal(0);
      const c = parseConfigText(lorenz) as PinnConfig;
      const { spec, options } = pinnProblem(c, { configDir: dir });
      expect(spec.coords).to.deep.equal(['t']);
      const tr = new PinnTrainer(spec, { ...options, net: { hidden: [8] } });
      expect(tr.termNames).to.deep.equal(['pde0', 'lorenz_y', 'pde2', 'initial0', 'initial1', 'initial2']);
      expect(tr.trainStep().weights).to.include({ lorenz_y: 2, pde0: 1 });
    });
  });

  it('initial conditions of order 1 fit u_t(t0): the term is the squared difference (finite-difference check)', () => {
    const c = parseConfigText(
      ode(["pde: ['u_tt + u']", 'conditions: [{ type: initial, value: 0 }, { type: initial, value: 1, order: 1 }]']),
    ) as PinnConfig;
    const { spec, options } = pinnProblem(c, { configDir: dir });
    const tr = new PinnTrainer(spec, { ...options, dtype: 'f64', net: { hidden: [8] } });
    const h = 1e-5;
    const u = tr.predict(Float64Array.of(-h, 0, h), 3).u;
    const ut = (u[2] - u[0]) / (2 * h);
    const ls = tr.losses();
    expect(ls.initial0).to.be.closeTo(u[1] ** 2, 1e-12);
    expect(ls.initial1).to.be.closeTo((ut - 1) ** 2, 1e-7);
  });

  it('conditions that need a spatial boundary, and a config with neither geometry nor time, exit 2 naming the key', async () => {
    for (const [extra, path] of [
      [["pde: ['u_t + u']", 'conditions: [{ type: dirichlet, value: 0 }]'], 'conditions[0].type: expected an initial or data condition'],
      [["pde: ['u_t + u']", 'conditions: [{ type: neumann, value: 0, on: boundary }]'], 'conditions[0].type:'],
    ] as const) {
      const s = sinks();
      expect(await main(['validate', writeConfig(dir, ode([...extra]), 'bad.yaml')], s.deps)).to.equal(2);
      expect(s.err.join('')).to.contain(path);
    }
    const s = sinks();
    const noDomain = ode(["pde: ['u_t + u']"]).replace('time: [0, 2]\n', '');
    expect(await main(['validate', writeConfig(dir, noDomain, 'bad2.yaml')], s.deps)).to.equal(2);
    expect(s.err.join('')).to.contain('geometry: expected a geometry (or `time: [t0, t1]` alone for an ODE)');
  });
});

describe('runner: inverse problems report unknowns and their errors', () => {
  const dir = tempDir('fluxion-inverse-');
  // u' = -k u with data from exp(-t/2): k should move from 1 towards 0.5
  const inverse = (extra: string[] = []) =>
    ode([
      "pde: ['u_t + k*u']",
      'unknowns: { k: 1 }',
      "exact: 'exp(-0.5*t)'",
      'conditions: [{ type: data, n: 20 }]',
      'training: { steps: 120, lr: 0.01, log_every: 40, points: { domain: 64 } }',
      ...extra,
    ]);

  it('metrics.jsonl and summary.json carry each unknown and its relative error at every logged step; the console line prints them', async () => {
    const cfg = writeConfig(dir, inverse(['true_values: { k: 0.5 }']), 'inv.yaml');
    const out = join(dir, 'inv');
    const s = sinks();
    expect(await main(['run', cfg, '--out', out], s.deps)).to.equal(0);
    const ms = readMetrics(join(out, 'metrics.jsonl'));
    expect(ms.map((m) => m.step)).to.deep.equal([40, 80, 120]);
    for (const m of ms) expect(m.unknowns_rel_error!.k).to.equal(Math.abs(m.unknowns!.k - 0.5) / 0.5);
    expect(ms[2].unknowns!.k).to.be.below(ms[0].unknowns!.k); // moving from 1 towards 0.5
    const sum = summaryOf(out);
    expect(sum.unknowns).to.deep.equal(ms[2].unknowns);
    expect(sum.unknowns_rel_error).to.deep.equal(ms[2].unknowns_rel_error);
    const done = s.err
      .join('')
      .split('\n')
      .find((l) => l.startsWith('done:'))!;
    expect(done).to.contain(`unknowns k = ${sum.unknowns!.k.toPrecision(4)} (rel. error ${sum.unknowns_rel_error!.k.toExponential(1)})`);
  });

  it('true_values naming something that is not an unknown exits 2 with the key path', async () => {
    const s = sinks();
    expect(await main(['validate', writeConfig(dir, inverse(['true_values: { D: 0.1 }']), 'bad.yaml')], s.deps)).to.equal(2);
    expect(s.err.join('')).to.contain("true_values.D: expected one of the unknowns (k), got 'D'");
  });
});

describe('runner: L-BFGS tolerances end a run early', () => {
  it('tolerance_change in training.finetune.optimizer_options stops the run; summary and metrics say why', async () => {
    const dir = tempDir('fluxion-tol-');
    const cfg = writeConfig(
      dir,
      ode([
        "pde: ['u_t + u']",
        'conditions: [{ type: initial, value: 1 }]',
        "exact: 'exp(-t)'",
        'training: { steps: 2000, lr: 0.01, log_every: 500, points: { domain: 64, initial: 1 }, finetune: { at: 100, optimizer_options: { tolerance_change: 1e-10 } } }',
      ]),
      'tol.yaml',
    );
    const out = join(dir, 'tol');
    const s = sinks();
    expect(await main(['run', cfg, '--out', out], s.deps)).to.equal(0);
    const sum = summaryOf(out);
    expect(sum.status).to.equal('completed');
    expect(sum.steps).to.be.below(400);
    expect(sum.stopped).to.deep.equal({ reason: 'converged', criterion: 'tolerance_change', step: sum.steps });
    const last = readMetrics(join(out, 'metrics.jsonl')).at(-1)!;
    expect(last).to.include({ step: sum.steps, converged: 'tolerance_change' });
    expect(sum.fields).to.deep.equal(['solution.vti']);
    expect(s.err.join('')).to.contain(`done: ${sum.steps} steps (converged: tolerance_change)`);
  });
});

describe('runner: --steps that skips the finetune phase', () => {
  it('warns on the console and in summary.json; no warning when the phase still runs', async () => {
    const dir = tempDir('fluxion-warn-');
    const cfg = writeConfig(dir, pinnYaml(['training: { steps: 200, log_every: 10, finetune: { at: 100 } }']));
    const s = sinks();
    expect(
      await main(['run', cfg, '--out', join(dir, 'a'), '--quiet', '--steps', '50'], { ...s.deps, trainerFactory: quadraticFactory() }),
    ).to.equal(0);
    const msg = '--steps 50 ends the run at or before training.finetune.at (100): the finetune phase (lbfgs) will not run';
    expect(s.err.join('')).to.contain(`warning: ${msg}`);
    expect(summaryOf(join(dir, 'a')).warnings).to.deep.equal([msg]);
    const s2 = sinks();
    expect(
      await main(['run', cfg, '--out', join(dir, 'b'), '--quiet', '--steps', '150'], { ...s2.deps, trainerFactory: quadraticFactory() }),
    ).to.equal(0);
    expect(s2.err.join('')).to.not.contain('warning');
    expect(summaryOf(join(dir, 'b')).warnings).to.equal(undefined);
  });
});
