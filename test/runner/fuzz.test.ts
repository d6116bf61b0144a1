// Seeded fuzzing of `fluxion validate` with mutated example configs: exit 0 or 2 with a message only.
import { expect } from 'chai';
import { fuzzCases, fuzzDir, mutatedText, validateCase } from '../support/configFuzz.js';

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
});
