// The sweeps behind bench/results-balancing.md (bench/balancing/*.yaml, read by bench/balancing/table.ts): each loads
// against its base as it stands (a base that moves on can break or silently change a row) and plans the same
// optimizers and seeds; the Kovasznay row's analytic reference solves its config's own equations and conditions.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as pinn from '../../pinn/index.js';
import { pinnProblem } from '../../runner/pinnAdapter.js';
import type { PinnConfig } from '../../runner/schema.js';
import { loadSweep } from '../../runner/sweepConfig.js';
import { exactly, interiorPoints, maxAbs } from '../support/exactSpec.js';

const DIR = join(process.cwd(), 'bench', 'balancing');
const OPTIMIZERS = ['adam', 'lra', 'ntk', 'relobralo', 'pcgrad', 'multiadam', 'config', 'mconfig', 'upgrad'];
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('bench/balancing: the sweeps of the gradient-balancing table', () => {
  it('has one sweep per row: burgers1d, helmholtz2d, kovasznay, ns2d-c', () => {
    expect(files).to.deep.equal(['burgers1d.yaml', 'helmholtz2d.yaml', 'kovasznay.yaml', 'ns2d-c.yaml']);
  });

  for (const f of files) {
    it(`${f}: every run's config validates; 9 optimizers x seeds 0-2, L2RE, named balancing-<problem>`, () => {
      const l = loadSweep(join(DIR, f), () => {});
      expect(l.sweep.name).to.equal(`balancing-${f.replace(/\.yaml$/, '')}`);
      expect(l.sweep.metric).to.equal('l2re');
      expect(l.runs.map((r) => r.setting['training.optimizer'])).to.deep.equal(OPTIMIZERS.flatMap((o) => [o, o, o]));
      expect(l.runs.map((r) => r.seed)).to.deep.equal(OPTIMIZERS.flatMap(() => [0, 1, 2]));
    });
  }

  it("kovasznay: the config's exact solution zeroes its six loss terms and equals pinn.problems.kovasznay()'s", () => {
    const l = loadSweep(join(DIR, 'kovasznay.yaml'), () => {});
    const { spec } = pinnProblem(l.config as PinnConfig, { configDir: l.configDir });
    const ref = pinn.problems.kovasznay();
    expect(spec.constants?.lam).to.be.closeTo(ref.constants?.lam ?? Number.NaN, 1e-15); // 10 - sqrt(100 + 4 pi^2)
    const opts: pinn.TrainerOptions = { dtype: 'f64', net: { hidden: [4] }, points: { domain: 64, boundary: 64 } };
    const tr = new pinn.PinnTrainer(exactly(spec), opts);
    for (const r of tr.pdeResiduals(interiorPoints(spec, 16))) expect(maxAbs(r)).to.be.below(1e-9);
    const losses = tr.losses();
    expect(Object.keys(losses)).to.have.members(['momentum_x', 'momentum_y', 'continuity', 'bc_u', 'bc_v', 'bc_p']);
    for (const [term, v] of Object.entries(losses)) expect(v, term).to.be.below(1e-20);
    // the config's fields in place of the network, scored against the library's exact solution
    const exact = spec.exact as Record<string, string>;
    expect(new pinn.PinnTrainer(exactly(ref, exact), opts).evaluate().l2re).to.be.below(1e-12);
    // and a wrong candidate scores clearly nonzero (the check can fail)
    expect(new pinn.PinnTrainer(exactly(ref, { ...exact, p: '0.5*(1 - exp(lam*x))' }), opts).evaluate().l2re).to.be.above(0.1);
  });
});
