// kind: inverse (runner/inverseAdapter.ts): the gradient the trainer steps with against central differences of its
// loss, recovery of a coefficient field through the CLI, bit-for-bit resume, and bad input exiting 2 at its key.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as fx from '../../index.js';
import { main } from '../../runner/cli.js';
import { validateConfig } from '../../runner/config.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { createInverseTrainer, inverseTask } from '../../runner/inverseAdapter.js';
import { readMetrics, type Summary } from '../../runner/outputs.js';
import type { InverseConfig } from '../../runner/schema.js';
import { encodeNpy, readVtk } from '../../meshes/index.js';
import { compileNumeric } from '../../pinn/index.js';
import { diffusionSolver } from '../../solvers/differentiable.js';
import { nodeGrid, syntheticObservations } from '../../solvers/coefficientRecovery.js';
import { fdGrad, relErr } from '../support/check.js';
import { rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

/** A small recovery problem: 9 x 9 nodes, three forcings, a bump in k, 1% noise. */
const inverseYaml = (extra: string[] = [], n = 8): string =>
  [
    'kind: inverse',
    'name: small-inverse',
    'seed: 3',
    `grid: { n: ${n} }`,
    "sources: ['20*cos(pi*x)*cos(pi*y) + 10', '20*cos(2*pi*x)*cos(pi*y) + 10', '20*cos(pi*x)*cos(2*pi*y) + 10']",
    'observations:',
    "  k_true: '1 + 0.5*exp(-((x - 0.4)^2 + (y - 0.6)^2)/0.05)'",
    ...extra,
  ].join('\n');

const fnOf = (src: string) => {
  const f = compileNumeric(src, ['x', 'y']);
  return (x: number, y: number) => f([x, y]);
};
const kTrueFn = fnOf('1 + 0.5*exp(-((x - 0.4)^2 + (y - 0.6)^2)/0.05)');

const configOf = (yaml: string): InverseConfig => {
  const c = validateConfig(parse(yaml));
  if (c.kind !== 'inverse') throw new Error('expected kind inverse');
  return c;
};

describe('runner: kind inverse (coefficient recovery through an implicitly differentiated solver)', () => {
  const dir = tempDir('fluxion-inverse-');

  for (const positivity of ['exp', 'softplus'] as const) {
    it(`the gradient the trainer steps with matches central differences of its loss (${positivity})`, () => {
      const c = configOf(inverseYaml([`coefficient: { positivity: ${positivity}, initial: 0.8 }`, 'regularization: { smoothness: 1e-3 }']));
      const { task, initial } = inverseTask(c);
      // a non-constant point, so that the smoothness term has a gradient too
      const theta = initial.map((v, i) => v + 0.2 * Math.sin(1.7 * i));
      const { grad } = task.lossAndGrad(theta, 0);
      const entries = [0, 10, 20, 40, 41, 57, 80]; // boundary and interior nodes
      const loss = (t: fx.Tensor) => task.lossAndGrad(Float64Array.from(t.dataSync()), 0).loss;
      const fd = fdGrad(loss, [fx.tensor(theta, [theta.length], 'f64')], 0, 1e-5, entries);
      expect(
        relErr(
          entries.map((i) => grad[i]),
          fd,
        ),
      ).to.be.below(1e-6);
      expect(Math.max(...fd.map(Math.abs))).to.be.above(1e-6); // not a comparison of zeros
    });
  }

  it('recovers k on a 9 x 9 grid from exact data to a relative L2 error below 0.005 (from 0.117 at k = 1)', async () => {
    const out = join(dir, 'recover');
    const extra = ['  noise: 0', 'regularization: { smoothness: 1e-6 }', 'training: { steps: 300, lr: 0.03, log_every: 50 }'];
    const file = writeConfig(dir, inverseYaml(extra), 'recover.yaml');
    const r = sinks();
    expect(await main(['run', file, '--out', out, '--quiet'], r.deps), r.err.join('')).to.equal(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const { task, initial } = inverseTask(configOf(inverseYaml(extra))); // k = 1 everywhere to start
    expect(task.evaluate!(initial).l2re).to.be.closeTo(0.117, 0.001);
    expect(summary.l2re).to.be.below(0.005); // 0.0028 measured
    const ms = readMetrics(join(out, 'metrics.jsonl'));
    expect(ms[0].terms).to.have.keys('misfit', 'smoothness');
    expect(ms.at(-1)!.terms!.misfit).to.be.below(ms[0].terms!.misfit / 10);
    // the fields: recovered and true k on the nodes, their difference, and each u as solved and observed
    const vti = readVtk(join(out, 'fields', 'coefficient.vti'));
    if (vti.kind !== 'ImageData') throw new Error(`expected ImageData, got ${vti.kind}`);
    const get = (name: string) => vti.pointData.find((a) => a.name === name)!.values;
    expect(get('k').length).to.equal(81);
    expect(relErr(get('k'), get('k_reference'))).to.be.closeTo(summary.l2re!, 1e-9);
    for (const name of ['u0', 'u2_observed', 'k_error']) expect(get(name).length).to.equal(81);
  });

  it('with 1% noise the smoothness penalty keeps the error below 0.05 (0.041 measured; 0.051 with half the weight)', () => {
    const errorAfter = (smoothness: number): number => {
      const trainer = createInverseTrainer(
        configOf(inverseYaml([`regularization: { smoothness: ${smoothness} }`, 'training: { lr: 0.03 }'])),
      );
      for (let i = 0; i < 300; i++) trainer.trainStep();
      return trainer.evaluate().l2re!;
    };
    const [weak, tuned] = [errorAfter(1e-5), errorAfter(2e-5)];
    expect(tuned).to.be.below(0.05);
    expect(weak).to.be.above(tuned); // the noise is fitted without enough of the penalty
  });

  it('resumes bit-for-bit: 6 steps == 3 steps + --resume to 6', async () => {
    const file = writeConfig(dir, inverseYaml(['training: { log_every: 1, checkpoint_every: 2 }']), 'resume.yaml');
    const [a, b] = [join(dir, 'full'), join(dir, 'half')];
    expect(await main(['run', file, '--steps', '6', '--out', a, '--quiet'], sinks().deps)).to.equal(0);
    expect(await main(['run', file, '--steps', '3', '--out', b, '--quiet'], sinks().deps)).to.equal(0);
    expect(await main(['run', file, '--steps', '6', '--out', b, '--quiet', '--resume'], sinks().deps)).to.equal(0);
    const strip = (p: string) => readMetrics(join(p, 'metrics.jsonl')).map(({ wall_time: _w, ...m }) => m);
    expect(strip(b)).to.deep.equal(strip(a));
    const [ta, tb] = [readCheckpoint(join(a, 'checkpoint'))!.trainer, readCheckpoint(join(b, 'checkpoint'))!.trainer];
    expect(tb).to.deep.equal(ta);
    expect((ta as { step: number }).step).to.equal(6);
  });

  it('observations.file: a file holding the synthetic observations gives the same run; without k_true no error is reported', async () => {
    // noise 0, so both runs divide the misfit by the same max |u|
    const synthetic = configOf(inverseYaml(['  noise: 0']));
    const solver = diffusionSolver({ tol: synthetic.solver.tol });
    const s = synthetic.grid.n + 1;
    const forcings = fx.tensor(
      synthetic.sources.flatMap((f) => Array.from(nodeGrid(synthetic.grid.n, (x, y) => fnOf(String(f))(x, y)))),
      [3, s, s],
      'f64',
    );
    const kTrue = fx.tensor(nodeGrid(synthetic.grid.n, kTrueFn), [s, s], 'f64');
    const { observed } = syntheticObservations(solver, forcings, kTrue, 0, 0);
    writeFileSync(join(dir, 'observed.npy'), encodeNpy(Float64Array.from(observed.dataSync()), observed.shape));
    const run = async (name: string, yaml: string) => {
      const r = sinks();
      const code = await main(['run', writeConfig(dir, yaml, `${name}.yaml`), '--steps', '4', '--out', join(dir, name), '--quiet'], r.deps);
      expect(code, r.err.join('')).to.equal(0);
      return readMetrics(join(dir, name, 'metrics.jsonl')).map(({ wall_time: _w, ...m }) => m);
    };
    const fromFile = inverseYaml(['  file: observed.npy', 'training: { log_every: 1 }']);
    expect(await run('file', fromFile)).to.deep.equal(await run('synthetic', inverseYaml(['  noise: 0', 'training: { log_every: 1 }'])));
    const blind = await run('blind', fromFile.replace(/ {2}k_true: .*\n/, ''));
    expect(blind.at(-1)).to.not.have.property('l2re');
    expect(blind.at(-1)!.terms!.misfit).to.be.a('number');
  });

  describe('bad input exits 2 naming the key', () => {
    const cases: [string, string, string, string][] = [
      ['misspelt key', inverseYaml(['  noize: 0.1']), 'observations.noize:', "did you mean 'noise'?"],
      ['negative noise', inverseYaml(['  noise: -0.1']), 'observations.noise:', 'expected a number >= 0'],
      ['unparsable source', inverseYaml().replace("'20*cos(pi*x)*cos(pi*y) + 10'", "'20*cos(pi*x'"), 'sources[0]:', 'cannot parse'],
      ['unknown symbol', inverseYaml().replace('(y - 0.6)', '(z - 0.6)'), 'observations.k_true:', "unknown symbol 'z'"],
      ['k_true not positive', inverseYaml().replace("'1 + 0.5*", "'x - 0.5*"), 'observations.k_true:', 'expected a positive value'],
      ['grid too large', inverseYaml([], 4096), 'grid.n:', 'expected a number <= 1024'],
      ['tolerance below rounding', inverseYaml(['solver: { tol: 1.0e-20 }']), 'solver.tol:', 'expected a number >= 1e-14'],
      ['neither k_true nor a file', inverseYaml().replace(/ {2}k_true: .*/, '  noise: 0.1'), 'observations.k_true:', 'got neither'],
      ['noise with a file', inverseYaml(['  noise: 0.1', '  file: observed.npy']), 'observations.noise:', 'measured ones'],
      [
        'a file of the wrong shape',
        inverseYaml(['  file: wrong.npy']),
        'observations.file:',
        'expected an array shaped [sources, n + 1, n + 1] = [3, 9, 9], got [3, 9]',
      ],
      ['a missing file', inverseYaml(['  file: absent.npy']), 'observations.file:', 'absent.npy'],
      ['no sources', inverseYaml().replace(/sources: .*/, 'sources: []'), 'sources:', 'expected >= 1 entries'],
      ['odd n with multigrid', inverseYaml(['solver: { preconditioner: multigrid }'], 7), 'grid.n:', 'expected an even n'],
      [
        'a preconditioner for multigrid',
        inverseYaml(['solver: { method: multigrid, preconditioner: ic0 }']),
        'solver.preconditioner:',
        'pcg only',
      ],
      ['a two-gradient optimizer', inverseYaml(['training: { optimizer: lbfgs }']), 'training.optimizer:', 'for an inverse problem'],
    ];
    writeFileSync(join(dir, 'wrong.npy'), encodeNpy(new Float64Array(27), [3, 9]));
    for (const [what, yaml, path, expectation] of cases) {
      it(what, async () => expect(await rejectedAt(dir, yaml, path)).to.contain(expectation));
    }

    it('a step that sends k out of range stops as a divergence (exit 3) naming the knobs', async () => {
      const file = writeConfig(dir, inverseYaml(['training: { optimizer: sgd, lr: 1.0e+6, steps: 5 }']), 'diverge.yaml');
      const s = sinks();
      expect(await main(['run', file, '--out', join(dir, 'diverge'), '--quiet'], s.deps)).to.equal(3);
      expect(s.err.join('')).to.match(/training step \d+: the solver failed at the current k \(k in .*lower training\.lr/);
    });

    it('`run` rejects a bad expression the same way', async () => {
      const file = writeConfig(dir, inverseYaml().replace('(y - 0.6)', '(z - 0.6)'), 'bad.yaml');
      const s = sinks();
      expect(await main(['run', file, '--out', join(dir, 'never'), '--quiet'], s.deps)).to.equal(2);
      expect(s.err.join('')).to.match(/^error: observations\.k_true: unknown symbol 'z'/);
    });
  });
});
