// YAML for issue 14's sampling and training keys: training.adaptive, causal, time_marching, anchors,
// sampler: hammersley, and the under-resolution warning through the runner's warnings channel.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { loadConfig } from '../../runner/config.js';
import { pinnProblem } from '../../runner/pinnAdapter.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { readMetrics, type MetricsRecord, type Summary } from '../../runner/outputs.js';
import type { PinnConfig } from '../../runner/schema.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const heat = (training: string, extra: string[] = []): string =>
  [
    'kind: pinn',
    'name: heat',
    'seed: 2',
    'geometry: { type: interval, min: 0, max: 1 }',
    'time: [0, 1]',
    "pde: ['u_t - 0.1*u_xx']",
    "conditions: [{ type: dirichlet, value: 0 }, { type: initial, value: 'sin(pi*x)' }]",
    "exact: 'exp(-0.1*pi^2*t)*sin(pi*x)'",
    'network: { layers: [8] }',
    'output: { resolution: [5, 4] }',
    `training: { steps: 6, log_every: 2, checkpoint_every: 3, lr: 0.01, points: { domain: 32, boundary: 8, initial: 8, test: 50 }, ${training} }`,
    ...extra,
  ].join('\n');
const withoutWall = (ms: MetricsRecord[]) => ms.map(({ wall_time: _w, ...rest }) => rest);

describe('runner: adaptive sampling, causal training, time-marching, anchors and hammersley from YAML', () => {
  const dir = tempDir();
  const full =
    'adaptive: { method: rad, every: 2, candidates: 64 }, causal: { chunks: 4, epsilon: [1e-9, 1e-8, 1] }, time_marching: { windows: 3 }, sampler: hammersley, anchors: [[0.5, 0.1], [0.25, 0.9]]';

  it('maps every key onto the trainer options (anchors inline and from a file)', () => {
    writeFileSync(join(dir, 'pts.dat'), 'xx tt\n0.5 0.1\n0.25 0.9\n');
    const file = writeConfig(
      dir,
      heat(full.replace('anchors: [[0.5, 0.1], [0.25, 0.9]]', 'anchors: { file: pts.dat, columns: [xx, tt] }')),
      'map.yaml',
    );
    const { options } = pinnProblem(loadConfig(file) as PinnConfig, { configDir: dir });
    expect(options.adaptive).to.deep.equal({ method: 'rad', every: 2, candidates: 64, add: 100, k: 1, c: 1 });
    expect(options.causal).to.deep.equal({ chunks: 4, epsilon: [1e-9, 1e-8, 1], delta: 0.99 });
    expect(options.timeMarching).to.deep.equal({ windows: 3, steps: 6 });
    expect(options.sampler).to.equal('hammersley');
    expect(Array.from(options.anchors as Float64Array)).to.deep.equal([0.5, 0.1, 0.25, 0.9]);
  });

  it('trains, logs the causal epsilon and minimum weight, and resumes bit-for-bit', async () => {
    // time windows follow training.steps, which --steps changes: resume with time_marching is covered in test/pinn
    const cfg = writeConfig(dir, heat(full.replace('time_marching: { windows: 3 }, ', '')));
    const a = join(dir, 'a');
    expect(await main(['run', cfg, '--out', a, '--quiet'], sinks().deps)).to.equal(0);
    const ms = readMetrics(join(a, 'metrics.jsonl'));
    expect(ms.map((m) => m.step)).to.deep.equal([2, 4, 6]);
    expect(ms[0].causal!.epsilon).to.equal(1e-8); // step 1 used 1e-9, its weights were all ~1
    for (const m of ms) expect(m.causal!.min_weight).to.be.within(0, 1);
    const b = join(dir, 'b');
    expect(await main(['run', cfg, '--out', b, '--quiet', '--steps', '3'], sinks().deps)).to.equal(0);
    expect(await main(['run', cfg, '--out', b, '--quiet', '--resume'], sinks().deps)).to.equal(0);
    expect(withoutWall(readMetrics(join(b, 'metrics.jsonl')))).to.deep.equal(withoutWall(ms));
    expect(readCheckpoint(join(b, 'checkpoint'))!.trainer).to.deep.equal(readCheckpoint(join(a, 'checkpoint'))!.trainer);
  });

  it('time_marching runs from YAML', async () => {
    const cfg = writeConfig(dir, heat(full), 'tm.yaml');
    expect(await main(['run', cfg, '--out', join(dir, 'tm'), '--quiet'], sinks().deps)).to.equal(0);
    expect(readMetrics(join(dir, 'tm', 'metrics.jsonl')).map((m) => m.step)).to.deep.equal([2, 4, 6]);
  });

  it('an integral equation runs from YAML as its own weighted loss term', async () => {
    const yaml = heat('causal: { chunks: 4 }').replace(
      "pde: ['u_t - 0.1*u_xx']",
      "pde: ['u_t - 0.1*u_xx', { eq: 'u_t - 0.1*u_xx', name: balance, weight: 3, integral: true }]",
    );
    const out = join(dir, 'integral');
    expect(await main(['run', writeConfig(dir, yaml, 'integral.yaml'), '--out', out, '--quiet'], sinks().deps)).to.equal(0);
    const last = readMetrics(join(out, 'metrics.jsonl')).at(-1)!;
    expect(last.weights).to.include({ balance: 3 });
    expect(last.terms.balance).to.be.above(0);
    const { pde0, balance, dirichlet0, initial1 } = last.terms;
    expect(last.loss).to.be.closeTo(pde0 + 3 * balance + dirichlet0 + initial1, 1e-6 * last.loss);
  });

  it('sequential time windows run from YAML: one network per window, each announced, scored on the whole interval', async () => {
    const cfg = writeConfig(dir, heat('time_marching: { windows: 3, mode: sequential, ic_points: 16, ic_weight: 10 }'), 'seq.yaml');
    const out = join(dir, 'seq');
    expect(await main(['run', cfg, '--out', out, '--quiet'], sinks().deps)).to.equal(0);
    const ms = readMetrics(join(out, 'metrics.jsonl'));
    expect(ms.map((m) => m.step)).to.deep.equal([2, 3, 4, 5, 6]);
    expect(ms.filter((m) => m.phase).map((m) => [m.step, m.phase])).to.deep.equal([
      [3, `time window 2/3: t in [${1 / 3}, ${2 / 3}]`],
      [5, `time window 3/3: t in [${2 / 3}, 1]`],
    ]);
    expect(Object.keys(ms[4].terms)).to.deep.equal(['pde', 'dirichlet0', 'window_ic']);
    const state = readCheckpoint(join(out, 'checkpoint'))!.trainer as { window: number; frozen: number[][] };
    expect([state.window, state.frozen.length]).to.deep.equal([2, 2]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.l2re).to.be.a('number').and.to.be.above(0);
  });

  it('rar-g and rar-d run from YAML', async () => {
    for (const method of ['rar-g', 'rar-d']) {
      const cfg = writeConfig(dir, heat(`adaptive: { method: ${method}, every: 2, candidates: 40, add: 3 }`), `${method}.yaml`);
      expect(await main(['run', cfg, '--out', join(dir, method), '--quiet'], sinks().deps)).to.equal(0);
      const state = readCheckpoint(join(dir, method, 'checkpoint'))!.trainer as { rarPoints: number[] };
      expect(state.rarPoints.length).to.equal(2 * 3 * 2); // refinements at steps 2 and 4, 3 points of (x, t)
    }
  });

  it('warns once when fixed collocation points under-resolve the solution, and records the ratio', async () => {
    const yaml = (extra: string) =>
      [
        'kind: pinn',
        'name: wiggle',
        'seed: 1',
        'geometry: { type: interval, min: 0, max: 1 }',
        "pde: ['u - sin(20*x)']",
        'network: { layers: [16, 16] }',
        'output: { resolution: 5 }',
        `training: { steps: 1500, log_every: 500, lr: 0.01, points: { domain: 8 }${extra} }`,
      ].join('\n');
    const out = join(dir, 'wiggle');
    const s = sinks();
    expect(await main(['run', writeConfig(dir, yaml(''), 'w.yaml'), '--out', out, '--quiet'], s.deps)).to.equal(0);
    const warning = 'collocation points under-resolve the solution: set resample_every or raise points.domain';
    expect(
      s.err
        .join('')
        .split('\n')
        .filter((l) => l.includes('under-resolve')),
    ).to.deep.equal([`warning: ${warning}`]);
    const ms = readMetrics(join(out, 'metrics.jsonl'));
    expect(ms[2].residual_ratio).to.be.above(10);
    expect(ms[2].warnings).to.deep.equal([warning]);
    expect((JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary).warnings).to.deep.equal([warning]);
    // resampling: no check, no warning
    const s2 = sinks();
    const out2 = join(dir, 'wiggle2');
    expect(
      await main(
        [
          'run',
          writeConfig(
            dir,
            yaml(', resample_every: 1').replace('steps: 1500', 'steps: 100').replace('log_every: 500', 'log_every: 50'),
            'w2.yaml',
          ),
          '--out',
          out2,
          '--quiet',
        ],
        s2.deps,
      ),
    ).to.equal(0);
    expect(s2.err.join('')).to.not.contain('warning');
    for (const m of readMetrics(join(out2, 'metrics.jsonl'))) expect(m).to.not.have.any.keys('residual_ratio', 'warnings');
  });

  for (const [what, yaml, text] of [
    [
      'causal without time',
      heat('causal: {}')
        .replace('time: [0, 1]\n', '')
        .replace(", { type: initial, value: 'sin(pi*x)' }", '')
        .replace('u_t - ', '')
        .replace('exp(-0.1*pi^2*t)*', ''),
      'training.causal: expected a `time: [t0, t1]` interval',
    ],
    [
      'time_marching without time',
      heat('time_marching: { windows: 2 }')
        .replace('time: [0, 1]\n', '')
        .replace(", { type: initial, value: 'sin(pi*x)' }", '')
        .replace('u_t - ', '')
        .replace('exp(-0.1*pi^2*t)*', ''),
      'training.time_marching: expected a `time: [t0, t1]` interval',
    ],
    [
      'rad with too few candidates',
      heat('adaptive: { method: rad, candidates: 10 }'),
      'training.adaptive.candidates: expected at least training.points.domain (32) candidates for rad, got 10',
    ],
    [
      'rar-g adding more than its candidates',
      heat('adaptive: { method: rar-g, candidates: 10, add: 20 }'),
      'training.adaptive.add: expected at most candidates (10), got 20',
    ],
    [
      'unknown adaptive method',
      heat('adaptive: { method: rar }'),
      "training.adaptive.method: expected one of rar-g, rar-d, rad, got 'rar'",
    ],
    ['an anchor of the wrong dimension', heat('anchors: [[0.5]]'), 'training.anchors[0]: expected 2 coordinates, got 1'],
    ['an anchor outside the domain', heat('anchors: [[0.5, 2]]'), 'training.anchors: point 0 (0.5, 2) lies outside the domain'],
    [
      'an anchors file without the columns',
      heat('anchors: { file: pts.dat, columns: [a, b] }'),
      "training.anchors: 'pts.dat' has no column a, b",
    ],
    [
      'sequential-window keys on a curriculum',
      heat('time_marching: { windows: 2, ic_weight: 10 }'),
      'training.time_marching.ic_weight: expected only with mode: sequential',
    ],
    [
      'sequential windows with a fine-tune',
      heat('time_marching: { windows: 2, mode: sequential }, finetune: { at: 3, optimizer: lbfgs }'),
      'training.time_marching.mode: sequential windows train one network per window; training.finetune works on one network',
    ],
    [
      'sequential windows with an initial rate',
      heat('time_marching: { windows: 2, mode: sequential }').replace(
        "{ type: initial, value: 'sin(pi*x)' }]",
        "{ type: initial, value: 'sin(pi*x)' }, { type: initial, order: 1, value: 0 }]",
      ),
      'conditions[2]: an initial condition on a time derivative needs one network over the whole interval',
    ],
    [
      'an integral equation without causal chunks',
      heat('sampler: halton').replace("pde: ['u_t - 0.1*u_xx']", "pde: ['u_t - 0.1*u_xx', { eq: 'u_t', integral: true, name: balance }]"),
      'pde[1].integral: expected training.causal',
    ],
    [
      'unknown sampler',
      heat('sampler: hammersly'),
      "training.sampler: expected one of uniform, lhs, halton, sobol, hammersley, got 'hammersly'",
    ],
  ] as [string, string, string][]) {
    it(`rejects ${what} (exit 2, key path)`, async () => {
      const s = sinks();
      expect(await main(['validate', writeConfig(dir, yaml, 'bad.yaml')], s.deps), s.err.join('')).to.equal(2);
      expect(s.err.join('')).to.contain(text);
    });
  }
});
