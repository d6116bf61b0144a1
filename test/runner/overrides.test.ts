// `--set key.path=value`: values read as YAML, applied before validation (same key-path errors and "did you
// mean" as config files), recorded in config.resolved.yaml, and equal to writing the value into the file.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../runner/cli.js';
import { applyOverrides, parseKeyPath, parseOverride, parseUnset } from '../../runner/overrides.js';
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
  describe('removing a key: --unset key.path, or a null value', () => {
    const FINETUNE = 'training: { steps: 40, lr: 0.05, finetune: { at: 20, optimizer: lbfgs } }';
    /** validate --print of `yaml` with `args`, without the comment lines (the overrides record). */
    async function printed(dir: string, yaml: string, args: string[] = []): Promise<string> {
      const file = writeConfig(dir, yaml, `c${Math.random().toString(36).slice(2)}.yaml`);
      const s = sinks();
      expect(await main(['validate', file, '--print', ...args], s.deps), s.err.join('')).to.equal(0);
      return s.out
        .join('')
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
    }

    it('equals the config file without the key; the schema default comes back; the record marks it', async () => {
      const dir = tempDir();
      const without = await printed(dir, pinnYaml(['training: { steps: 40 }']));
      expect(without).to.not.include('finetune');
      const withIt = await printed(dir, pinnYaml([FINETUNE]));
      expect(withIt).to.include('finetune');
      // finetune removed and lr back to its default: the file without both keys
      expect(await printed(dir, pinnYaml([FINETUNE]), ['--unset', 'training.finetune', '--unset', 'training.lr'])).to.equal(without);
      expect(await printed(dir, pinnYaml([FINETUNE]), ['--set', 'training.finetune=null', '--set', 'training.lr=null'])).to.equal(without);
      // --unset runs before --set: the section is replaced, not merged
      const replaced = await printed(dir, pinnYaml([FINETUNE]), ['--unset', 'training.finetune', '--set', 'training.finetune={ at: 30 }']);
      expect(replaced).to.equal(await printed(dir, pinnYaml(['training: { steps: 40, lr: 0.05, finetune: { at: 30 } }'])));
      // an absent key that the schema knows: nothing to remove, no error (a sweep grid may switch off what a base lacks)
      expect(await printed(dir, pinnYaml(['training: { steps: 40 }']), ['--unset', 'training.finetune'])).to.equal(without);
      const file = writeConfig(dir, pinnYaml([FINETUNE]), 'recorded.yaml');
      const s = sinks();
      expect(await main(['validate', file, '--print', '--unset', 'training.finetune'], s.deps)).to.equal(0);
      expect(s.out.join('').split('\n').slice(0, 2)).to.deep.equal([
        '# overrides (--set), applied to the config file before validation:',
        '#   training.finetune=null (key removed)',
      ]);
    });

    it('applyOverrides removes without creating the mappings on the way', () => {
      const data = { training: { lr: 1, steps: 2 }, seed: 1 };
      applyOverrides(data, [parseUnset('training.lr'), parseUnset('network.layers'), parseOverride('seed=null')]);
      expect(data).to.deep.equal({ training: { steps: 2 } });
    });

    it('an unknown key, a list entry, a path through a scalar or a required key exit 2 naming the key path', async () => {
      const dir = tempDir();
      const yaml = pinnYaml([FINETUNE]);
      expect(await rejectedAt(dir, yaml, 'training.finetun', ['--unset', 'training.finetun'])).to.match(
        /unknown key \(did you mean 'finetune'\?\)/,
      );
      expect(await rejectedAt(dir, yaml, 'traning', ['--unset', 'traning.finetune'])).to.match(/did you mean 'training'/);
      expect(await rejectedAt(dir, yaml, 'network.layers[0]', ['--unset', 'network.layers[0]', '--set', 'network.layers=[4]'])).to.match(
        /cannot remove a list entry; set the whole list instead/,
      );
      expect(await rejectedAt(dir, yaml, 'seed', ['--unset', 'seed.x'])).to.match(/expected a mapping to remove 'seed.x', got 3/);
      expect(await rejectedAt(dir, yaml, 'name', ['--unset', 'name'])).to.match(/expected a string, got nothing \(required\)/);
      expect(await rejectedAt(dir, yaml, '--unset', ['--unset', 'a..b'])).to.match(/expected a key path/);
    });
  });
});
