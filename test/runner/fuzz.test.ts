// Seeded fuzzing of `fluxion validate` with mutated example configs: exit 0 or 2 with a message only.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { fuzzCases, fuzzDir, mutatedText, validateCase, type FuzzCase } from '../support/configFuzz.js';
import { sinks } from './helpers.js';

describe('runner: validate fuzzer (300 mutated example configs, seeded)', () => {
  const dir = fuzzDir();
  const cases = fuzzCases(300, 20261206);
  it('every mutated config validates (exit 0) or is rejected with a message (exit 2); never exit 1 or a stack trace', async () => {
    const bad: string[] = [];
    for (let i = 0; i < cases.length; i++) {
      const o = await validateCase(dir, cases[i], i);
      if (![0, 2].includes(o.code) || o.stackTrace || (o.code === 2 && !o.message.trim())) {
        bad.push(`case ${i} (${cases[i].base}, ${JSON.stringify(cases[i].mutations)}): exit ${o.code}: ${o.message.slice(0, 300)}`);
      }
    }
    expect(bad, bad.join('\n')).to.deep.equal([]);
  });

  it('the cases are a pure function of the seed', () => {
    expect(fuzzCases(5, 7).map(mutatedText)).to.deep.equal(fuzzCases(5, 7).map(mutatedText));
  });

  // runs the 10k-case bench/fuzz.ts found exiting 1, kept as regressions
  const runCase = async (c: FuzzCase, name: string): Promise<{ code: number; err: string }> => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, mutatedText(c));
    const s = sinks();
    const code = await main(['run', path, '--steps', '3', '--quiet', '--out', join(dir, name)], s.deps);
    return { code, err: s.err.join('') };
  };

  it('a condition value of 1/0 under LRA (a non-finite loss term) stops as a divergence (exit 3), not exit 1', async () => {
    const r = await runCase({ base: 'helmholtz2d.yaml', mutations: [{ kind: 'string', at: 1630691725, value: '1/0' }] }, 'inf-loss');
    expect(r.code, r.err).to.equal(3);
  });

  it('a boundary selector that matches nothing after the geometry changed exits 2 naming conditions[i].on', async () => {
    const c: FuzzCase = {
      base: 'poisson-holes.yaml',
      mutations: [
        { kind: 'delete', at: 1117000758 },
        { kind: 'delete', at: 1011227563 },
      ],
    };
    const r = await runCase(c, 'empty-selector');
    expect(r.code, r.err).to.equal(2);
    expect(r.err).to.match(/conditions\[0\]\.on: .*no boundary points satisfy/);
  });
});
