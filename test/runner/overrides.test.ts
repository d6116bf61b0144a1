// `--set key.path=value`: values read as YAML, applied before validation (same key-path errors and "did you
// mean" as config files), recorded in config.resolved.yaml, and equal to writing the value into the file.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../runner/cli.js';
import { applyOverrides, parseKeyPath, parseOverride } from '../../runner/overrides.js';
import { readMetrics } from '../../runner/outputs.js';
import { pinnYaml, quadraticFactory, rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

const TRAINING = 'training: { steps: 40, log_every: 10, checkpoint_every: 20, lr: 0.05 }';

describe('runner: --set overrides', () => {
  it('parses key paths and YAML values', () => {
    expect(parseKeyPath('conditions[1].weight')).to.deep.equal(['conditions', 1, 'weight']);
    expect(parseOverride('training.lr=1e-3').value).to.equal(0.001);
    expect(parseOverride('network.layers=[64, 64]').value).to.deep.equal([64, 64]);
    expect(parseOverride('network.activation=tanh').value).to.equal('tanh');
    expect(parseOverride("name='a=b'").value).to.equal('a=b'); // the first '=' splits
    const data = applyOverrides({ seed: 1 }, [parseOverride('training.points.domain=5'), parseOverride('network.layers=[1]')]);
    expect(data).to.deep.equal({ seed: 1, training: { points: { domain: 5 } }, network: { layers: [1] } });
    for (const bad of ['a..b', '.a', '[0]', 'a[x]', 'a b', '__proto__.polluted', 'a.constructor'])
      expect(() => parseKeyPath(bad), bad).to.throw(/expected a key/);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('a run with --set equals a run of the file with those values, and config.resolved.yaml records them', async () => {
    const dir = tempDir();
    const base = writeConfig(dir, pinnYaml([TRAINING]), 'base.yaml');
    const edited = writeConfig(
      dir,
      pinnYaml(['training: { steps: 40, log_every: 10, checkpoint_every: 20, lr: 0.02 }']).replace('seed: 3', 'seed: 7'),
      'edited.yaml',
    );
    const deps = { ...sinks().deps, trainerFactory: quadraticFactory() };
    const [a, b, c] = ['set', 'edited', 'plain'].map((n) => join(dir, n));
    expect(await main(['run', base, '--out', a, '--quiet', '--set', 'training.lr=2e-2', '--set', 'seed=7'], deps)).to.equal(0);
    expect(await main(['run', edited, '--out', b, '--quiet'], deps)).to.equal(0);
    expect(await main(['run', base, '--out', c, '--quiet'], deps)).to.equal(0);
    const losses = (d: string) => readMetrics(join(d, 'metrics.jsonl')).map((m) => m.loss);
    expect(losses(a)).to.deep.equal(losses(b));
    expect(losses(a)).to.not.deep.equal(losses(c)); // the overrides changed the run
    const text = readFileSync(join(a, 'config.resolved.yaml'), 'utf8');
    expect(text.split('\n').slice(0, 3)).to.deep.equal([
      '# overrides (--set), applied to the config file before validation:',
      '#   training.lr=2e-2',
      '#   seed=7',
    ]);
    const resolved = parse(text) as { seed: number; training: { lr: number } };
    expect([resolved.seed, resolved.training.lr]).to.deep.equal([7, 0.02]);
    // the resolved config is itself a valid config
    const s = sinks();
    expect(await main(['validate', join(a, 'config.resolved.yaml')], s.deps), s.err.join('')).to.equal(0);
  });

  it('--resume with the same overrides continues the run', async () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, pinnYaml([TRAINING]));
    const out = join(dir, 'run');
    const deps = { ...sinks().deps, trainerFactory: quadraticFactory() };
    const set = ['--set', 'training.lr=0.01'];
    expect(await main(['run', cfg, '--out', out, '--quiet', '--steps', '20', ...set], deps)).to.equal(0);
    const s = sinks();
    expect(
      await main(['run', cfg, '--out', out, '--quiet', '--resume', ...set], { ...s.deps, trainerFactory: quadraticFactory() }),
    ).to.equal(0);
    expect(readMetrics(join(out, 'metrics.jsonl')).map((m) => m.step)).to.deep.equal([10, 20, 30, 40]);
    // without the override the checkpoint belongs to another config
    const e = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet', '--resume'], { ...e.deps, trainerFactory: quadraticFactory() })).to.equal(2);
    expect(e.err.join('')).to.match(/different config/);
  });

  describe('bad overrides exit 2 with one line naming the key path', () => {
    const dir = tempDir();
    const yaml = pinnYaml();
    it('an unknown key gets a "did you mean"', async () => {
      expect(await rejectedAt(dir, yaml, 'training.lrr', ['--set', 'training.lrr=1e-3'])).to.match(/unknown key \(did you mean 'lr'\?\)/);
      expect(await rejectedAt(dir, yaml, 'traning', ['--set', 'traning.lr=1'])).to.match(/did you mean 'training'/);
    });
    it('a value of the wrong type or range', async () => {
      expect(await rejectedAt(dir, yaml, 'network.layers', ['--set', 'network.layers=abc'])).to.match(/expected a list, got 'abc'/);
      expect(await rejectedAt(dir, yaml, 'seed', ['--set', 'seed=-1'])).to.match(/expected a number >= 0, got -1/);
      expect(await rejectedAt(dir, yaml, 'network.activation', ['--set', 'network.activation=tanhh'])).to.match(/did you mean 'tanh'/);
    });
    it('a path through a scalar, a malformed assignment or value', async () => {
      expect(await rejectedAt(dir, yaml, 'seed', ['--set', 'seed.x=1'])).to.match(/expected a mapping to set 'seed.x'/);
      expect(await rejectedAt(dir, yaml, '--set', ['--set', 'seed'])).to.match(/expected key.path=value/);
      expect(await rejectedAt(dir, yaml, '--set', ['--set', 'seed='])).to.match(/expected a value/);
      expect(await rejectedAt(dir, yaml, '--set', ['--set', 'network.layers=[1,'])).to.match(/invalid YAML value/);
      expect(await rejectedAt(dir, yaml, '--set', ['--set', '__proto__.x=1'])).to.match(/JS object internal/);
    });
  });
});
