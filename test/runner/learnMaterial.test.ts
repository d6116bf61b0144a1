// kind: simulation, task learn_material: a neural constitutive law trained through the core MPM. A short run cuts the
// rollout error on held-out motions (and over a longer horizon) against the untrained network, reports it in
// metrics.jsonl and summary.json, and writes the rollouts and their truth as particle frames; the same trajectories
// read from a trajectory file give the same run; bad configs and files exit 2 naming the key.
import { expect } from 'chai';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readVtk } from '../../meshes/index.js';
import { main } from '../../runner/cli.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { readMetrics } from '../../runner/outputs.js';
import { writeTrajectoryFile } from '../../runner/trajectoryFile.js';
import { generateTrajectories } from '../../sim/index.js';
import { rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

const bodies = {
  train: [{ shape: 'square', centre: [0.5, 0.5], size: 0.25, velocity: [0.5, 0], velocity_gradient: [24, 9, 0, -18] }],
  test: [{ shape: 'disc', centre: [0.5, 0.55], size: 0.3, velocity: [0.3, -0.3], velocity_gradient: [-21, 6, 15, 18] }],
} as const;
const simulator = (material: string) => [
  'simulator:',
  '  type: mpm',
  '  n_grid: 16',
  '  dt: 4.0e-4',
  '  E: 100',
  `  material: ${material}`,
];
const generated = [
  '  data:',
  '    type: generate',
  '    ground_truth: { material: neoHookean, E: 200, nu: 0.3 }',
  // JSON is YAML flow style
  `    train: ${JSON.stringify(bodies.train)}`,
  `    test: ${JSON.stringify(bodies.test)}`,
];
const config = (o: { material?: string; data?: string[]; task?: string[]; training?: string; output?: string } = {}) =>
  [
    'kind: simulation',
    'name: learn',
    'seed: 0',
    ...simulator(o.material ?? '{ type: neural, hidden: [16, 16], seed: 1 }'),
    'task:',
    '  type: learn_material',
    ...(o.data ?? generated),
    ...(o.task ?? ['  every: 5', '  train_steps: 20', '  test_steps: 40']),
    o.training ?? 'training: { steps: 15, optimizer: adam, lr: 0.03, log_every: 5 }',
    o.output ?? 'output: { frame_every: 10 }',
  ].join('\n');

type Scores = Record<string, number>;
const run = async (dir: string, yaml: string, name: string, args: string[] = []): Promise<string> => {
  const out = join(dir, name);
  const s = sinks();
  expect(await main(['run', writeConfig(dir, yaml, `${name}.yaml`), '--quiet', '--out', out, ...args], s.deps), s.err.join('')).to.equal(0);
  return out;
};
const taskRows = (out: string): Scores[] => readMetrics(join(out, 'metrics.jsonl')).map((r) => (r as { task: Scores }).task);

describe('runner: learn_material (a neural constitutive law trained through the MPM)', () => {
  const dir = tempDir('fluxion-learn-material-');
  let out = '';

  it('a short run cuts the held-out rollout error against the untrained law, within and beyond the trained horizon', async function () {
    this.timeout(300000);
    out = await run(dir, config(), 'generated');
    const rows = taskRows(out);
    expect(rows).to.have.length(3);
    const last = rows[rows.length - 1];
    // the untrained law is the same reference at every logged step
    for (const r of rows) expect(r.untrained_test_error).to.equal(rows[0].untrained_test_error);
    expect(last.train_error).to.be.below(0.3 * last.untrained_train_error);
    expect(last.test_error).to.be.below(0.3 * last.untrained_test_error);
    expect(last.test_error_long).to.be.below(0.5 * last.untrained_test_error_long);
    expect(last.test_error_final).to.be.below(last.untrained_test_error_final);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { task: Scores; status: string };
    expect(summary.status).to.equal('completed');
    expect(summary.task).to.deep.equal(last);
  });

  it("writes each rollout and its truth as particle frames whose 'error' is the distance between them", () => {
    const files = readdirSync(join(out, 'fields'));
    // frames at steps 0, 10, ..., 40 of every trajectory
    for (const name of ['train_0', 'train_0_truth', 'test_0', 'test_0_truth'])
      expect(files).to.include.members([`${name}.pvd`, `${name}_0000.vtp`, `${name}_0004.vtp`]);
    expect(files).not.to.include('test_0_0005.vtp');
    const read = (f: string) => {
      const ds = readVtk(join(out, 'fields', f));
      if (ds.kind !== 'PolyData') throw new Error(`expected PolyData, got ${ds.kind}`);
      return ds;
    };
    const pred = read('test_0_0004.vtp');
    const truth = read('test_0_truth_0004.vtp');
    const err = pred.pointData.find((a) => a.name === 'error')!.values;
    const n = err.length;
    expect(n).to.be.greaterThan(30);
    let worst = 0;
    for (let p = 0; p < n; p++) {
      const d = Math.hypot(pred.points[3 * p] - truth.points[3 * p], pred.points[3 * p + 1] - truth.points[3 * p + 1]);
      worst = Math.max(worst, Math.abs(err[p] - d));
    }
    expect(worst).to.be.below(1e-12);
    // the predicted frames carry velocity and J = det F too
    expect(pred.pointData.map((a) => a.name)).to.include.members(['velocity', 'J']);
  });

  it('the same trajectories from a trajectory file give the same run (format round trip)', async function () {
    this.timeout(300000);
    const opts = { nGrid: 16, dt: 4e-4, E: 100, nu: 0.2, gravity: -9.8, boundary: 'sticky' as const };
    const truth = { material: 'neoHookean' as const, E: 200, nu: 0.3 };
    const body = (b: (typeof bodies)['train' | 'test'][number]) => ({
      shape: b.shape,
      centre: [...b.centre] as [number, number],
      size: b.size,
      v0: [...b.velocity] as [number, number],
      gradV: [...b.velocity_gradient] as [number, number, number, number],
    });
    const gen = (role: 'train' | 'test') =>
      generateTrajectories(
        opts,
        truth,
        bodies[role].map((b, i) => ({ name: `${role}_${i}`, body: body(b) })),
        5,
        8,
      );
    const path = join(dir, 'trajectories.json');
    writeTrajectoryFile(path, { dt: 4e-4, every: 5, train: gen('train'), test: gen('test') });
    const fromFile = await run(dir, config({ data: ['  data: { type: file, path: trajectories.json }'] }), 'file');
    const strip = (p: string) => readMetrics(join(p, 'metrics.jsonl')).map(({ wall_time: _w, ...m }) => m);
    expect(strip(fromFile)).to.deep.equal(strip(out));
  });

  it('plastic: true adds the return-mapping network to the trained parameters (elastic, then plastic)', async function () {
    this.timeout(300000);
    const yaml = config({
      material: '{ type: neural, hidden: [8], plastic: true, plastic_hidden: [4] }',
      data: generated.map((l) =>
        l.replace('{ material: neoHookean, E: 200, nu: 0.3 }', '{ material: snow, E: 200, nu: 0.3, hardening: 0 }'),
      ),
      task: ['  every: 5', '  train_steps: 10', '  test_steps: 10'],
      training: 'training: { steps: 2, log_every: 1 }',
    });
    const o = await run(dir, yaml, 'plastic');
    const params = (readCheckpoint(join(o, 'checkpoint'))!.trainer as { params: number[] }).params;
    // MLP [2, 8, 2] (42) + MLP [2, 4, 2] (22)
    expect(params).to.have.length(42 + 22);
    expect(params.every(Number.isFinite)).to.equal(true);
  });

  it('a law the optimizer makes explode stops as a divergence (exit 3, status diverged) naming training.lr', async function () {
    this.timeout(120000);
    const yaml = config({
      material: '{ type: neural }',
      task: ['  every: 5', '  train_steps: 20', '  test_steps: 20'],
      training: 'training: { steps: 6, lr: 30, log_every: 1 }',
    });
    const o = join(dir, 'diverged');
    const s = sinks();
    expect(await main(['run', writeConfig(dir, yaml, 'diverged.yaml'), '--quiet', '--out', o], s.deps)).to.equal(3);
    expect(s.err.join('')).to.match(/outside the grid.* after step 1; .*lower training\.lr/);
    expect(JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8'))).to.include({ status: 'diverged' });
  });

  describe('rejected configs (exit 2, the key path named)', () => {
    const bad = tempDir('fluxion-learn-material-bad-');
    it('an analytic material for learn_material, and a neural one for target', async () => {
      await rejectedAt(bad, config({ material: 'neoHookean' }), 'simulator.material: expected { type: neural');
      const target = ['kind: simulation', 'name: t', ...simulator('{ type: neural }'), 'task: { type: target, target: [0.5, 0.5] }'].join(
        '\n',
      );
      await rejectedAt(bad, target, 'simulator.material: a neural material is trained by task learn_material');
    });
    it('a misspelt key of the neural material, and learn_material on the mass-spring robot', async () => {
      await rejectedAt(bad, config({ material: '{ type: neural, hiden: [8] }' }), 'simulator.material');
      const ms = config().replace(/simulator:\n( {2}.*\n)+/, 'simulator: { type: mass-spring }\n');
      await rejectedAt(bad, ms, 'task.type');
    });
    it('horizons and frames off the observed frames', async () => {
      await rejectedAt(
        bad,
        config({ task: ['  every: 5', '  train_steps: 12', '  test_steps: 40'] }),
        'task.train_steps: expected a multiple of task.every (5)',
      );
      await rejectedAt(
        bad,
        config({ task: ['  every: 5', '  train_steps: 20', '  test_steps: 10'] }),
        'task.test_steps: expected at least task.train_steps (20)',
      );
      await rejectedAt(bad, config({ output: 'output: { frame_every: 7 }' }), 'output.frame_every: expected a multiple of task.every (5)');
    });
    it('a ground truth without a material model, a body outside the grid, and one too small for a particle', async () => {
      await rejectedAt(bad, config({ data: generated.map((l) => l.replace('neoHookean', 'fluid')) }), 'task.data.ground_truth.material');
      const outside = generated.map((l) => l.replace('[0.5,0.55]', '[0.5,0.9]'));
      const msg = await rejectedAt(bad, config({ data: outside }), 'task.data.test[0]: the body spans');
      expect(msg).to.match(/on axis 1/);
      const tiny = generated.map((l) => l.replace('"size":0.25', '"size":0.01'));
      await rejectedAt(bad, config({ data: tiny }), 'task.data.train[0].size: a square of size 0.01 holds no particles');
    });
    it('a trajectory file that is missing, malformed, or sampled differently from the config', async () => {
      const file = (name: string, body: unknown) => {
        writeFileSync(join(bad, name), typeof body === 'string' ? body : JSON.stringify(body));
        return config({ data: [`  data: { type: file, path: ${name} }`] });
      };
      await rejectedAt(bad, config({ data: ['  data: { type: file, path: none.json }'] }), 'task.data.path: cannot read');
      await rejectedAt(bad, file('text.json', 'not json'), 'task.data.path: cannot read');
      const traj = (n: number, frames: number) => ({
        x0: Array.from({ length: n }, (_, i) => [0.45 + 0.01 * i, 0.5]),
        v0: Array.from({ length: n }, () => [0, 0]),
        frames: Array.from({ length: frames }, () => Array.from({ length: n }, (_, i) => [0.45 + 0.01 * i, 0.5])),
      });
      const ok = { version: 1, dt: 4e-4, every: 5, train: [traj(4, 8)], test: [traj(3, 8)] };
      const broken = { ...ok, test: [{ ...traj(3, 8), frames: [...traj(3, 7).frames, [[0.5, 0.5]]] }] };
      const m1 = await rejectedAt(bad, file('broken.json', broken), 'task.data.path:');
      expect(m1).to.match(/test\[0\]\.frames\[7\]: expected 3 points \(as x0\), got 1/);
      await rejectedAt(bad, file('every.json', { ...ok, every: 10 }), 'task.every: the trajectory file');
      await rejectedAt(bad, file('dt.json', { ...ok, dt: 2e-4 }), 'simulator.dt: the trajectory file');
      await rejectedAt(bad, file('short.json', { ...ok, test: [traj(3, 4)] }), 'task.test_steps: trajectory test[0]');
    });
  });
});
