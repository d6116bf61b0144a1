// Bad sweep files exit 2 with one line that starts at the sweep key path that is wrong (the schema's own keys, and
// config keys set through set / grid / random, checked against the base config before any run starts).
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { main } from '../../runner/cli.js';
import { loadSweep, runOverrides } from '../../runner/sweepConfig.js';
import { parseConfigText } from '../../runner/config.js';
import { pinnYaml, sinks, tempDir, writeConfig } from './helpers.js';

const dir = tempDir('fluxion-sweepfiles-');
writeConfig(dir, pinnYaml(['training: { steps: 5 }']), 'base.yaml');

async function sweepRejectedAt(lines: string[], path: string): Promise<string> {
  const file = writeConfig(dir, ['name: bad', 'base: base.yaml', ...lines].join('\n'), 'sweep.yaml');
  const s = sinks();
  const out = join(dir, 'runs');
  const code = await main(['sweep', file, '--out', out, '--quiet'], s.deps);
  const msg = s.err.join('');
  expect(code, msg).to.equal(2);
  expect(msg.split('\n').filter((l) => l !== '')).to.have.length(1);
  const body = msg.replace(/^error: /, '');
  expect(body.startsWith(path), body).to.equal(true);
  expect(existsSync(out), 'nothing ran').to.equal(false);
  return body;
}

describe('sweep files: rejected by key path', () => {
  it('unknown sweep keys get a "did you mean"', async () => {
    expect(await sweepRejectedAt(['gird: { training.lr: [1] }'], 'gird')).to.match(/did you mean 'grid'/);
    expect(
      await sweepRejectedAt(['random: { count: 2, params: { training.lr: { unifrom: [0, 1] } } }'], 'random.params.training.lr.unifrom'),
    ).to.match(/did you mean 'uniform'/);
    expect(await sweepRejectedAt(['budget: { max_run: 3 }'], 'budget.max_run')).to.match(/did you mean 'max_runs'/);
  });

  it('bad sweep values', async () => {
    expect(await sweepRejectedAt(['budget: { max_runs: 0 }'], 'budget.max_runs')).to.match(/expected a number > 0, got 0/);
    expect(await sweepRejectedAt(['grid: { training.lr: [] }'], 'grid.training.lr')).to.match(/expected >= 1 entries/);
    expect(await sweepRejectedAt(['seeds: [0, 0]'], 'seeds')).to.match(/distinct/);
    expect(await sweepRejectedAt(['metric: l2r'], 'metric')).to.match(/did you mean 'l2re'/);
    expect(
      await sweepRejectedAt(
        ['random: { count: 2, params: { training.lr: { log_uniform: [0, 1] } } }'],
        'random.params.training.lr.log_uniform',
      ),
    ).to.match(/low > 0/);
    expect(await sweepRejectedAt(['random: { count: 2, params: { x: { uniform: [0, 1], int: [0, 1] } } }'], 'random.params.x')).to.match(
      /exactly one/,
    );
  });

  it('config keys through set, grid and random are checked against the base config', async () => {
    expect(await sweepRejectedAt(['grid: { training.lrr: [1e-3] }'], 'grid.training.lrr')).to.match(/unknown key \(did you mean 'lr'\?\)/);
    expect(await sweepRejectedAt(["grid: { training.lr: [1e-3, 'fast'] }"], 'grid.training.lr')).to.match(/got 'fast'/);
    expect(await sweepRejectedAt(['set: { network.layers: 3 }'], 'set.network.layers')).to.match(/expected a list/);
    expect(
      await sweepRejectedAt(
        ['random: { count: 3, params: { network.activation: { choice: [tanh, sine] } } }'],
        'random.params.network.activation',
      ),
    ).to.match(/did you mean 'sin'/);
    expect(await sweepRejectedAt(['grid: { seed: [1, 2] }'], 'grid.seed')).to.match(/seeds:/);
    expect(await sweepRejectedAt(['set: { training.lr: 1 }', 'grid: { training.lr: [2] }'], 'grid.training.lr')).to.match(
      /also set by set.training.lr/,
    );
    expect(await sweepRejectedAt(['grid: { training..lr: [1] }'], 'grid.training..lr')).to.match(/expected a key path/);
    // null removes a key: a misspelt one or a list entry is named at its sweep key
    expect(await sweepRejectedAt(['grid: { training.finetun: [null] }'], 'grid.training.finetun')).to.match(/did you mean 'finetune'/);
    expect(await sweepRejectedAt(['set: { "network.layers[0]": null }'], 'set.network.layers[0]')).to.match(/cannot remove a list entry/);
  });

  it('a null value removes the key: set switches off a section of the base, a grid compares with and without', () => {
    writeConfig(dir, pinnYaml(['training: { steps: 5, lr: 0.05, finetune: { at: 3, optimizer: lbfgs } }']), 'finetuned.yaml');
    const file = writeConfig(
      dir,
      ['name: ft', 'base: finetuned.yaml', 'set: { training.lr: null }', 'grid: { training.finetune: [null, { at: 2 }] }'].join('\n'),
      'ft.yaml',
    );
    const loaded = loadSweep(file);
    expect(loaded.runs.map((r) => r.setting)).to.deep.equal([{ 'training.finetune': null }, { 'training.finetune': { at: 2 } }]);
    const configs = loaded.runs.map((r) => parseConfigText(loaded.baseText, 'base', () => {}, runOverrides(loaded.sweep, r)));
    const plain = parseConfigText(pinnYaml(['training: { steps: 5 }']));
    expect(configs.map((c) => c.training.lr)).to.deep.equal([plain.training.lr, plain.training.lr]);
    expect(configs.map((c) => (c.kind === 'pinn' ? c.training.finetune?.at : 'not pinn'))).to.deep.equal([undefined, 2]);
  });

  it('a bad inline base is named under base', async () => {
    const file = writeConfig(dir, ['name: bad', 'base: { kind: pinn, name: x, traning: {} }'].join('\n'), 'inline.yaml');
    const s = sinks();
    expect(await main(['sweep', file, '--quiet', '--out', join(dir, 'inline')], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/^error: base\.traning: unknown key \(did you mean 'training'\?\)/);
    const missing = writeConfig(dir, ['name: bad', 'base: nowhere.yaml'].join('\n'), 'missing.yaml');
    const m = sinks();
    expect(await main(['sweep', missing, '--quiet', '--out', join(dir, 'missing')], m.deps)).to.equal(2);
    expect(m.err.join('')).to.match(/nowhere\.yaml: cannot read config \(ENOENT\)/);
  });
});

describe('sweep files: the example and the JSON Schema', () => {
  const example = join(process.cwd(), 'configs', 'sweeps', 'poisson-lr.yaml');
  const schema = JSON.parse(readFileSync(join(process.cwd(), 'schemas', 'sweep.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('configs/sweeps/poisson-lr.yaml loads, plans 2 settings x 2 seeds on configs/poisson2d.yaml, and fits the schema', () => {
    const l = loadSweep(example, () => {});
    expect(l.runs.map((r) => [r.setting['training.lr'], r.seed])).to.deep.equal([
      [0.003, 0],
      [0.003, 1],
      [0.01, 0],
      [0.01, 1],
    ]);
    expect(l.basePath).to.equal(join(process.cwd(), 'configs', 'poisson2d.yaml'));
    expect(l.config.training.steps).to.equal(150); // the sweep's set: applies
    const text = readFileSync(example, 'utf8');
    expect(text.split('\n')[0]).to.equal('# yaml-language-server: $schema=../../schemas/sweep.schema.json');
    expect(validate(parse(text)), JSON.stringify(validate.errors)).to.equal(true);
  });

  it('the JSON Schema (an independent validator) refuses what fluxion sweep refuses, at the same key', () => {
    const base = { name: 's', base: 'b.yaml' };
    for (const [bad, key] of [
      [{ gird: {} }, 'gird'],
      [{ budget: { max_runs: 0 } }, 'max_runs'],
      [{ random: { count: 1, params: { x: { unifrom: [0, 1] } } } }, 'unifrom'],
      [{ seeds: -1 }, 'seeds'],
    ] as const) {
      expect(validate({ ...base, ...bad }), JSON.stringify(bad)).to.equal(false);
      expect(JSON.stringify(validate.errors)).to.contain(key);
    }
  });
});
