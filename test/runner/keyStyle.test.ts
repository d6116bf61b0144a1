// One key style: snake_case YAML keys for optimizer options and learning-rate schedules, camelCase spellings
// loaded with a deprecation warning for one release, and `fluxion migrate` rewriting them in place.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../runner/config.js';
import { migrateText } from '../../runner/migrate.js';
import { buildOptimizer } from '../../runner/optimizer.js';
import { main } from '../../runner/cli.js';
import type { PinnConfig } from '../../runner/schema.js';
import type { Adam } from '../../optim/adam.js';
import { pinnYaml, rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

/** lr the optimizer applies at update `step` (Adam exposes its schedule as currentLr after `step` updates). */
function lrAfter(c: PinnConfig, steps: number): number {
  const opt = buildOptimizer(c.training) as Adam;
  const w = new Float64Array(1);
  for (let i = 0; i < steps; i++) opt.step(w, new Float64Array([1]));
  return opt.currentLr();
}

describe('config key style', () => {
  const snake = pinnYaml(['training:', '  lr: { type: exponential, lr: 0.01, decay_rate: 0.5, decay_steps: 10 }']);
  const camel = pinnYaml(['training:', '  lr: { type: exponential, lr: 0.01, decayRate: 0.5, decaySteps: 10 }']);

  it('reads snake_case schedule keys as the library schedule (lr * 0.5^(step/10))', () => {
    const warnings: string[] = [];
    const c = parseConfigText(snake, 'c.yaml', (w) => warnings.push(w)) as PinnConfig;
    expect(warnings).to.deep.equal([]);
    expect(lrAfter(c, 20)).to.be.closeTo(0.01 * 0.5 ** 2, 1e-15);
  });

  it('loads camelCase spellings with one deprecation warning per key, naming the new key', () => {
    const warnings: string[] = [];
    const c = parseConfigText(camel, 'c.yaml', (w) => warnings.push(w)) as PinnConfig;
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(/^training\.lr\.decayRate: deprecated key, read as 'decay_rate'/);
    expect(warnings[1]).to.match(/^training\.lr\.decaySteps: deprecated key, read as 'decay_steps'/);
    expect(c.training.lr).to.deep.equal({ type: 'exponential', lr: 0.01, decay_rate: 0.5, decay_steps: 10 });
    expect(lrAfter(c, 20)).to.be.closeTo(0.01 * 0.5 ** 2, 1e-15);
  });

  it('renames inside optimizer options, their base and a nested schedule, not user-named keys', () => {
    const warnings: string[] = [];
    const c = parseConfigText(
      pinnYaml([
        'constants: { stepSize: 2 }',
        'training:',
        '  steps: 10',
        '  optimizer: lra',
        '  optimizer_options: { updateEvery: 5, base: { name: adamw, weightDecay: 0.1 } }',
        '  finetune: { at: 5, optimizer: adam, optimizer_options: { lr: { type: warmup, warmupSteps: 2, after: 0.01 } } }',
      ]),
      'c.yaml',
      (w) => warnings.push(w),
    ) as PinnConfig;
    expect(warnings.map((w) => w.split(':')[0])).to.deep.equal([
      'training.optimizer_options.updateEvery',
      'training.optimizer_options.base.weightDecay',
      'training.finetune.optimizer_options.lr.warmupSteps',
    ]);
    expect(c.constants).to.deep.equal({ stepSize: 2 });
    expect(c.training.optimizer_options).to.deep.equal({ update_every: 5, base: { name: 'adamw', weight_decay: 0.1 } });
  });

  it('names option errors in YAML spelling', async () => {
    const dir = tempDir();
    await rejectedAt(dir, pinnYaml(['training: { lr: { type: cosine, lr: 0.01 } }']), 'training.lr.total_steps:');
    const body = await rejectedAt(
      dir,
      pinnYaml(['training: { optimizer: sgd, optimizer_options: { betas: [0.9, 0.9] } }']),
      'training.optimizer_options.betas:',
    );
    expect(body).to.contain('weight_decay').and.not.contain('weightDecay');
  });
});

describe('fluxion migrate', () => {
  const before = [
    '# header comment',
    'kind: pinn',
    'training:',
    '  # the schedule',
    '  lr: { type: exponential, lr: 0.003, decayRate: 0.9, decaySteps: 200 } # trailing',
    '  optimizer: lra',
    '  optimizer_options:',
    '    "updateEvery": 100   # quoted key',
    '    base: { name: adam }',
    'constants: { decayRate: 1 }',
    '',
  ].join('\n');

  it('renames only deprecated keys, keeping comments, quotes and layout byte for byte', () => {
    const m = migrateText(before);
    expect(m.text).to.equal(
      before.replace('decayRate: 0.9, decaySteps', 'decay_rate: 0.9, decay_steps').replace('"updateEvery": 100', '"update_every": 100'),
    );
    expect(m.renames.map((r) => `${r.path} ${r.from}`)).to.deep.equal([
      'training.lr.decay_rate decayRate',
      'training.lr.decay_steps decaySteps',
      'training.optimizer_options.update_every updateEvery',
    ]);
    expect(migrateText(m.text).text).to.equal(m.text); // idempotent
  });

  it('lists changes without --write and rewrites files with it', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, before);
    const s = sinks();
    expect(await main(['migrate', file], s.deps)).to.equal(0);
    expect(s.out.join('')).to.contain('training.lr.decayRate -> decay_rate').and.contain('would be rewritten');
    expect(readFileSync(file, 'utf8')).to.equal(`${before}\n`);
    expect(await main(['migrate', '--write', file], sinks().deps)).to.equal(0);
    expect(readFileSync(file, 'utf8')).to.equal(`${migrateText(before).text}\n`);
    expect(await main(['migrate', `${dir}/missing.yaml`], sinks().deps)).to.equal(2);
  });
});
