// `network:` options of PINN configs through the runner's schema and adapter: architecture, Fourier features,
// exact periodicity and hard constraints from one YAML file, and invalid options exit 2 naming the key.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { parseConfigText } from '../../runner/config.js';
import { pinnProblem } from '../../runner/pinnAdapter.js';
import type { PinnConfig } from '../../runner/schema.js';
import type { Summary } from '../../runner/outputs.js';
import { PinnTrainer } from '../../pinn/index.js';
import { pinnYaml, sinks, tempDir, writeConfig } from './helpers.js';

const TWO_PI = 2 * Math.PI;
/** Advection u_t + u_x = 0 on a 2 pi-periodic line, u(x, 0) = sin x built into the network. */
const yaml = `
kind: pinn
name: net-combo
geometry: { type: interval, min: 0, max: ${TWO_PI} }
time: [0, 1]
pde: ['u_t + u_x']
exact: 'sin(x - t)'
network:
  type: modified-mlp
  layers: [16, 16]
  fourier_features: { count: 8, sigma: 1 }
  periodic: { x: { period: ${TWO_PI}, harmonics: 2 } }
  output_transform: { u: 'sin(x) + t*N_u' }
training: { steps: 5, points: { domain: 64, test: 64 } }
output: { resolution: 9 }
`;

describe('runner: network options in PINN configs', () => {
  const dir = tempDir();

  it('modified-mlp + fourier_features + periodic + output_transform: the adapter builds them and a short run completes', async () => {
    const c = parseConfigText(yaml) as PinnConfig;
    const { spec, options } = pinnProblem(c, { configDir: dir });
    expect(options.net).to.deep.include({
      type: 'modified-mlp',
      hidden: [16, 16],
      fourierFeatures: { count: 8, sigma: 1 },
      periodic: { x: { period: TWO_PI, harmonics: 2 } },
    });
    expect(spec.transform).to.be.a('function');
    const t = new PinnTrainer(spec, options);
    for (let i = 0; i < 5; i++) expect(Number.isFinite(t.trainStep().loss)).to.equal(true);
    // hard constraint: u(x, 0) = sin x exactly (f32); periodicity: u(0, t) = u(2 pi, t)
    const xs = [0.3, 1.7, 4.4];
    const ic = t.predict(Float64Array.from(xs.flatMap((x) => [x, 0])), 3).u;
    xs.forEach((x, i) => expect(ic[i]).to.be.closeTo(Math.sin(x), 1e-6));
    const ends = t.predict(Float64Array.from([0, 0.5, TWO_PI, 0.5]), 2).u;
    expect(ends[0]).to.be.closeTo(ends[1], 1e-5);
    expect(Math.abs(ends[0])).to.be.above(1e-4); // t*N_u is not zero there

    const out = join(dir, 'run');
    const s = sinks();
    expect(await main(['run', writeConfig(dir, yaml, 'combo.yaml'), '--out', out, '--quiet'], s.deps), s.err.join('')).to.equal(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary).to.include({ status: 'completed', steps: 5 });
    expect(summary.l2re).to.be.a('number');
  });

  it('without the new keys the resolved network block is unchanged (configs hash as before)', () => {
    const c = parseConfigText(pinnYaml()) as PinnConfig;
    expect(c.network).to.deep.equal({ layers: [64, 64, 64], activation: 'tanh' });
  });

  // [description, network block, key path the one-line message starts with, expectation]
  const bad: Array<[string, string, string, string]> = [
    ['unknown network type', 'network: { type: cnn }', 'network.type:', 'expected one of mlp, modified-mlp, resnet, pfnn'],
    ['unknown init', 'network: { init: lecun }', 'network.init:', 'expected one of glorot-normal, glorot-uniform, he-normal, he-uniform'],
    [
      'unequal modified-mlp widths',
      'network: { type: modified-mlp, layers: [8, 4] }',
      'network.layers:',
      'expected equal widths for modified-mlp',
    ],
    ['one-layer modified-mlp', 'network: { type: modified-mlp, layers: [8] }', 'network.layers:', 'expected at least 2 layers'],
    ['unequal resnet widths', 'network: { type: resnet, layers: [8, 4] }', 'network.layers:', 'expected equal widths for resnet'],
    ['zero Fourier features', 'network: { fourier_features: { count: 0 } }', 'network.fourier_features.count:', 'expected a number > 0'],
    ['misspelt Fourier key', 'network: { fourier_features: { sigmaa: 1 } }', 'network.fourier_features.sigmaa:', "did you mean 'sigma'?"],
    [
      'unknown adaptive kind',
      'network: { adaptive_activation: { kind: naaf } }',
      'network.adaptive_activation.kind:',
      'expected one of laaf, gaaf',
    ],
    [
      'negative factorization sigma',
      'network: { weight_factorization: { sigma: -1 } }',
      'network.weight_factorization.sigma:',
      'expected a number >= 0',
    ],
    ['periodic in a non-coordinate', 'network: { periodic: { t: 1 } }', 'network.periodic.t:', 'expected one of the coordinates x, y'],
    [
      'misspelt key of a periodic entry',
      'network: { periodic: { x: { period: 1, harmonic: 2 } } }',
      'network.periodic.x.harmonic:',
      "unknown key (did you mean 'harmonics'?); expected one of period, harmonics",
    ],
    ['non-positive period', 'network: { periodic: { x: 0 } }', 'network.periodic.x:', 'expected a number > 0'],
    [
      'output transform of a non-field',
      "network: { output_transform: { v: 'N_u' } }",
      'network.output_transform.v:',
      'expected one of the fields u',
    ],
    [
      'unknown symbol in an output transform',
      "network: { output_transform: { u: 'x*N_u + w' } }",
      'network.output_transform.u:',
      "unknown symbol 'w'",
    ],
    [
      'unknown symbol in an input feature',
      "network: { input_features: { d: 'sqrt(x^2 + q^2)' } }",
      'network.input_features.d:',
      "unknown symbol 'q'",
    ],
    [
      'a raw output in an input feature',
      "network: { input_features: { d: 'x*N_u' } }",
      'network.input_features.d:',
      "unknown symbol 'N_u'",
    ],
    [
      'a field (not N_u) in an output transform',
      "network: { output_transform: { u: 'x*u' } }",
      'network.output_transform.u:',
      "unknown symbol 'u'",
    ],
  ];
  for (const [what, block, path, expectation] of bad) {
    it(`exit 2: ${what}`, async () => {
      const s = sinks();
      const code = await main(['validate', writeConfig(dir, pinnYaml([block]))], s.deps);
      const msg = s.err.join('');
      expect(code, msg).to.equal(2);
      expect(msg.split('\n').filter((l) => l !== '')).to.have.length(1);
      expect(msg).to.match(new RegExp(`^(error: )?${path.replace(/[.[\]]/g, '\\$&')}`));
      expect(msg).to.include(expectation);
    });
  }
});
