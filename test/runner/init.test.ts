// `fluxion init`: every starting config validates without warnings and trains a few steps through the real trainers.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../runner/config.js';
import { initConfig, initPdes } from '../../runner/init.js';
import { main } from '../../runner/cli.js';
import { sinks, tempDir } from './helpers.js';

describe('fluxion init', () => {
  const dir = tempDir('fluxion-init-');
  const cases: [string, string | undefined][] = [
    ...initPdes.map((p): [string, string] => ['pinn', p]),
    ['operator', undefined],
    ['simulation', undefined],
    ['inverse', undefined],
  ];

  for (const [kind, pde] of cases) {
    it(`${kind}${pde ? ` --pde ${pde}` : ''}: a commented config that validates without warnings`, () => {
      const text = initConfig(kind, pde, join(dir, 'x.yaml'));
      expect(text.split('\n')[0]).to.match(/^# yaml-language-server: \$schema=.*\/schemas\/\w+\.schema\.json$/);
      expect(text).to.contain('# Training steps'); // descriptions as comments
      const warnings: string[] = [];
      const c = parseConfigText(text, 'init.yaml', (w) => warnings.push(w));
      expect(c.kind).to.equal(kind);
      expect(warnings).to.deep.equal([]);
    });
  }

  for (const [kind, pde] of [
    ['pinn', 'heat'],
    ['operator', undefined],
    ['simulation', undefined],
    ['inverse', undefined],
  ] as const) {
    it(`init ${kind} --out writes a config that fluxion run trains for 2 steps`, async () => {
      const file = join(dir, `${kind}.yaml`);
      const args = ['init', kind, ...(pde ? ['--pde', pde] : []), '--out', file];
      expect(await main(args, sinks().deps)).to.equal(0);
      expect(readFileSync(file, 'utf8')).to.equal(initConfig(kind, pde, file));
      // operator data and simulation horizons shrink through the file's own keys, as a user would edit them
      const text = readFileSync(file, 'utf8')
        .replace('train: 100, test: 20', 'train: 8, test: 4')
        .replace('batch_size: 20', 'batch_size: 4')
        .replace('horizon: 400', 'horizon: 40');
      const small = join(dir, `${kind}-small.yaml`);
      writeFileSync(small, text);
      const s = sinks();
      const code = await main(['run', small, '--steps', '2', '--quiet', '--out', join(dir, `run-${kind}`)], s.deps);
      expect(code, s.err.join('')).to.equal(0);
      const summary = JSON.parse(readFileSync(join(dir, `run-${kind}`, 'summary.json'), 'utf8')) as { steps: number; status: string };
      expect(summary).to.include({ steps: 2, status: 'completed' });
      expect(await main(args, sinks().deps)).to.equal(2); // refuses to overwrite
    });
  }

  it('rejects an unknown kind, an unknown pde and --pde for another kind (exit 2)', async () => {
    for (const args of [
      ['init', 'pinns'],
      ['init', 'pinn', '--pde', 'poison'],
      ['init', 'operator', '--pde', 'heat'],
    ]) {
      const s = sinks();
      expect(await main(args, s.deps)).to.equal(2);
      expect(s.err.join('')).to.match(/^error: (<kind>|--pde): expected|^error: --pde: only/);
    }
  });
});
