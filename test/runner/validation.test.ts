// Validation that catches mistakes before training: symbols decided on the expression tree, what each PDE
// was understood as, size and memory limits, YAML aliases, data files that are not regular files, empty
// geometries and reserved names. Each case exits 2 with a one-line message starting with its key path.
import { expect } from 'chai';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../pinn/mathjs.js';
import { main, tidyMessage } from '../../runner/cli.js';
import { parseConfigText } from '../../runner/config.js';
import { checkPinnLimits, estimateMemory } from '../../runner/limits.js';
import { difference, rectangle, readDataFile } from '../../meshes/index.js';
import * as pinn from '../../pinn/index.js';
import type { PinnConfig } from '../../runner/schema.js';
import { pinnYaml, quadraticFactory, rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

const sq = 'geometry: { type: rectangle, min: [0, 0], max: [1, 1] }';
/** A config whose exact solution and PDE are replaced. */
const poisson = (pde: string, extra: string[] = [], exact = "'sin(pi*x)*sin(pi*y)'"): string =>
  ['kind: pinn', 'name: p', sq, `pde: ['${pde}']`, `exact: ${exact}`, ...extra].join('\n');
const noExact = (extra: string[]): string => pinnYaml(extra).replace("exact: '1 + 2*x - 3*y'\n", '');

const bomb = [
  'a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]',
  ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
].join('\n');

// [description, YAML, the message starts with this key path, and contains these]
const cases: [string, string, string, string[]][] = [
  // 5: unknown symbols anywhere, decided symbolically (sin(pi*q) vanishes at the integers a numeric probe used)
  [
    'a typo inside sin(pi*q) where probing sees zero',
    poisson('lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y) + sin(pi*q)'),
    'pde[0]:',
    ["unknown symbol 'q'", "(did you mean 'x'?)", 'declared: coordinates x, y; fields u', 'only where it enters linearly'],
  ],
  ['two undeclared symbols in one equation', poisson('lap(u) + f + g'), 'pde[0]:', ["unknown symbol 'f'", 'only one undeclared symbol']],
  [
    'a typo in an equation object',
    poisson('x')
      .replace("pde: ['x']", "pde: [{ eq: 'lap(uu) + 1', name: heat }]")
      .replace(/exact: .*/, ''),
    'pde[0].eq:',
    ["unknown symbol 'uu'", "(did you mean 'u'?)"],
  ],
  [
    'an undeclared field names the declared ones',
    noExact([]).replace("pde: ['u - (1 + 2*x - 3*y)']", "pde: ['v_x + u']"),
    'pde[0]:',
    ["unknown symbol 'v_x'", "(did you mean 'u_x'?)", 'fields u'],
  ],
  [
    'an unknown function',
    noExact([]).replace("pde: ['u - (1 + 2*x - 3*y)']", "pde: ['lap(u) + sinn(x)']"),
    'pde[0]:',
    ["unknown function 'sinn'", "(did you mean 'sin'?)"],
  ],
  [
    'an unknown function in exact: the hint comes from mathjs and the numeric functions',
    pinnYaml().replace("exact: '1 + 2*x - 3*y'", "exact: '1 + heavisid(x - 0.5)'"),
    'exact:',
    ["unknown function 'heavisid'", "(did you mean 'heaviside'?)"],
  ],
  [
    'an unknown mathjs-like function in exact',
    pinnYaml().replace("exact: '1 + 2*x - 3*y'", "exact: '1 + cosh2(x)'"),
    'exact:',
    ["unknown function 'cosh2'", "(did you mean 'cosh'?)"],
  ],
  [
    'a field called like a function',
    noExact([]).replace("pde: ['u - (1 + 2*x - 3*y)']", "pde: ['u(x, y) - 1']"),
    'pde[0]:',
    ["'u' is not a function"],
  ],
  [
    'a typo in exact (was exit 1 at run time)',
    pinnYaml().replace("exact: '1 + 2*x - 3*y'", "exact: '1 + 2*x - 3*yy'"),
    'exact:',
    ["unknown symbol 'yy'", "(did you mean 'y'?)", 'declared: coordinates x, y; constants pi, e'],
  ],
  [
    'a typo in exact of one field',
    pinnYaml().replace("exact: '1 + 2*x - 3*y'", "exact: { u: '1 + 2*xx' }"),
    'exact.u:',
    ["unknown symbol 'xx'"],
  ],
  [
    'a typo in a condition value',
    pinnYaml(["conditions: [{ type: dirichlet, value: 'sin(pi*xq)' }]"]),
    'conditions[0].value:',
    ["unknown symbol 'xq'", "(did you mean 'x'?)", 'declared: coordinates x, y; fields u'],
  ],
  [
    'a typo in a robin alpha',
    pinnYaml(["conditions: [{ type: robin, alpha: 'kk', value: 0 }]"]),
    'conditions[0].alpha:',
    ["unknown symbol 'kk'"],
  ],
  [
    'a typo behind a short-circuit in on:',
    pinnYaml(["conditions: [{ type: dirichlet, on: 'x == 0 or q > 1', value: 0 }]"]),
    'conditions[0].on:',
    ["unknown symbol 'q'"],
  ],
  [
    'a typo in an output transform',
    pinnYaml(["network: { output_transform: { u: 'x*(1 - x)*N_uu' } }"]),
    'network.output_transform.u:',
    ["unknown symbol 'N_uu'", "(did you mean 'N_u'?)"],
  ],
  // 8: limits
  [
    'absurd collocation points',
    pinnYaml(['training: { points: { domain: 1000000000000 } }']),
    'training.points.domain:',
    ['expected at most 10000000 points, got 1000000000000'],
  ],
  [
    'absurd output resolution',
    pinnYaml().replace('resolution: [9, 7]', 'resolution: 100000000'),
    'output.resolution:',
    ['expected an evaluation grid of at most 50000000 points'],
  ],
  [
    'a run above the memory of any machine',
    pinnYaml(['training: { points: { domain: 10000000 } }', 'network: { layers: [4096, 4096, 4096] }']),
    'training.points:',
    ['the run needs about', 'GiB of memory (10000000 points per step', "above this machine's"],
  ],
  ['a YAML alias bomb', `${bomb}\n${pinnYaml()}`, 'config.yaml:', ['invalid YAML: more than 100 alias expansions']],
  ['lr: .nan is reported as NaN', pinnYaml(['training: { lr: .nan }']), 'training.lr:', ['got NaN']],
  // 9: fuzzer crashes
  ['an undefined YAML alias', pinnYaml(['fields: *nope']), 'config.yaml:', ["undefined alias '*nope'"]],
  [
    'a difference that removes everything',
    pinnYaml().replace(
      sq,
      'geometry: { type: difference, of: [{ type: rectangle, min: [0, 0], max: [1, 1] }, { type: disk, center: [0.5, 0.5], radius: 2 }] }',
    ),
    'geometry:',
    ['the region is empty'],
  ],
  [
    'expressions for a 2-D problem on an interval',
    pinnYaml().replace(sq, 'geometry: { type: interval, min: 0, max: 1 }').replace('resolution: [9, 7]', 'resolution: 9'),
    'exact:',
    ["unknown symbol 'y'", 'declared: coordinates x;'],
  ],
  [
    'value: __proto__',
    pinnYaml(['conditions: [{ type: dirichlet, value: __proto__ }]']),
    'conditions[0].value:',
    ["'__proto__' is a reserved name"],
  ],
  [
    'value: constructor',
    pinnYaml(['conditions: [{ type: dirichlet, value: constructor }]']),
    'conditions[0].value:',
    ["'constructor' is a reserved name"],
  ],
  [
    'a reserved function name in on:',
    pinnYaml(["conditions: [{ type: dirichlet, on: 'toString(x) > 0', value: 0 }]"]),
    'conditions[0].on:',
    ["'toString' is a reserved name"],
  ],
  [
    'prototype in exact',
    pinnYaml().replace("exact: '1 + 2*x - 3*y'", "exact: 'prototype + x'"),
    'exact:',
    ["'prototype' is a reserved name"],
  ],
  [
    'a __proto__ key (YAML makes it an own key, zod would drop it)',
    pinnYaml(['constants: { __proto__: 1 }']),
    'constants.__proto__:',
    ['expected a key other than a JS object internal'],
  ],
  ['a field named constructor', pinnYaml(['fields: [constructor]']), 'fields[0]:', ['expected a name other than a JS object internal']],
  ['a constant named like a number', pinnYaml(['constants: { 2k: 1 }']), 'constants.2k:', ['expected an identifier (letters, digits, _)']],
  ['a device file as reference data', noExact(['reference: zero.dat']), 'reference:', ['is not a regular file']],
  [
    'a device file as observations',
    pinnYaml(['conditions: [{ type: data, file: zero.dat }]']),
    'conditions[0]:',
    ['is not a regular file'],
  ],
];

describe('runner: validation catches mistakes before training (exit 2, key path)', () => {
  const dir = tempDir();
  symlinkSync('/dev/zero', join(dir, 'zero.dat')); // would be read forever
  for (const [what, yaml, path, expectations] of cases) {
    it(what, async () => {
      const body = await rejectedAt(dir, yaml, path);
      for (const e of expectations) expect(body).to.contain(e);
      expect(body.trimEnd()).not.to.match(/:$/);
    });
  }

  it('validate --print reports what each PDE was understood as; a derived source is one warning line', async () => {
    const file = writeConfig(dir, poisson('lap(u) + k*u_x + fx', ['constants: { k: 2 }']));
    const s = sinks();
    expect(await main(['validate', file, '--print'], s.deps)).to.equal(0);
    const out = s.out.join('');
    expect(out).to.contain(
      '# pde[0]: lap(u) + k*u_x + fx\n#   fields: u; derivatives: lap(u), u_x; coordinates: none\n#   constants: k; unknowns: none; coefficients: none\n#   source term: fx (undeclared; derived from the exact solution)\n',
    );
    expect(s.err).to.deep.equal([
      "warning: pde[0]: 'fx' is not declared; it is derived from the exact solution as the source term (a typo of 'x'?)\n",
    ]);
    const plain = sinks();
    expect(
      await main(['validate', writeConfig(dir, poisson('lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y)'), 'plain.yaml'), '--print'], plain.deps),
    ).to.equal(0);
    expect(plain.out.join('')).to.contain('#   constants: pi; unknowns: none; coefficients: none\n#   source term: none\n');
    expect(plain.err).to.deep.equal([]);
  });

  it('`run` prints the derived-source line before training', async () => {
    const file = writeConfig(dir, poisson('lap(u) + f', ['training: { steps: 2 }']), 'run.yaml');
    const s = sinks();
    expect(await main(['run', file, '--out', join(dir, 'run'), '--quiet'], { ...s.deps, trainerFactory: quadraticFactory() })).to.equal(0);
    expect(s.err.join('')).to.contain("warning: pde[0]: 'f' is not declared; it is derived from the exact solution as the source term\n");
  });

  it('memory estimate: the documented formula, exactly', () => {
    const c = parseConfigText(pinnYaml()) as PinnConfig;
    // widths [2, 64, 64, 64, 1]: 195 activations; 2000 points x 195 x 4 bytes x 1 term x 3 = 4 680 000,
    // plus weights (2+1)*64 + 65*64 + 65*64 + 65*1 = 8577 x 4 bytes x 4 = 137 232
    const m = estimateMemory(c, 0);
    expect(m.bytes).to.equal(4_680_000 + 137_232);
    expect(m.path).to.equal('training.points');
    // u_xx in 2-D: 2 coordinates x (2 + 1) = 6 derivative terms
    expect(estimateMemory(c, 2).bytes).to.equal(4_680_000 * 6 + 137_232);
    expect(() => checkPinnLimits(c, 0, 4_000_000)).to.throw(
      /^training\.points: the run needs about 0\.00449 GiB of memory \(2000 points per step x 195 activations per point x 4 bytes x 1 derivative terms x 3\), above this machine's 0\.00373 GiB/,
    );
    expect(() => checkPinnLimits(c, 0, 5_000_000)).not.to.throw();
  });

  it('a config that is a device file exits 2 instead of reading forever', async () => {
    const s = sinks();
    expect(await main(['validate', join(dir, 'zero.dat')], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(
      /zero\.dat: cannot read config \('.*zero\.dat' is not a regular file \(a device, pipe or socket\)\)\n$/,
    );
  });

  it('data files: a size cap, not a read of everything', () => {
    const f = join(dir, 'big.dat');
    writeFileSync(f, 'x u\n'.repeat(10));
    expect(() => readDataFile(f, 20)).to.throw(/has 40 bytes, above the limit of 20 bytes/);
    expect(readDataFile(f).length).to.equal(40);
  });

  it('messages lose a dangling colon', () => {
    expect(tidyMessage('reference: cannot read: ')).to.equal('reference: cannot read');
    expect(tidyMessage('pde[0]: fine')).to.equal('pde[0]: fine');
  });
});

describe('pinn: symbols are decided on the expression tree (library API)', () => {
  const scope: pinn.ExprScope = { coords: ['x', 'y'], fields: ['u'] };
  it('isAffineIn: sums, products with constants, quotients by free terms, branches', () => {
    const affine = (e: string): boolean => pinn.isAffineIn(parse(e), 'f');
    for (const e of ['f', '2*f + x', '(x*f - 3)/(1 + x^2)', 'x > 0 ? f : -f', '-(f)', 'u*f + sin(x)', 'x'])
      expect(affine(e), e).to.equal(true);
    for (const e of ['sin(pi*f)', 'f*f', 'f^2', 'x/f', 'f > 0 ? 1 : 0', 'exp(f)', 'f(x)']) expect(affine(e), e).to.equal(false);
  });

  it('deriveSource refuses sin(pi*q), which vanishes at every probe of R(0), R(1), R(2)', () => {
    expect(() =>
      pinn.deriveSource('lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y) + sin(pi*q)', 'q', scope, { u: 'sin(pi*x)*sin(pi*y)' }, 'pde'),
    ).to.throw(pinn.ExprError, "the source symbol 'q' must appear linearly");
    expect(pinn.deriveSource('-lap(u) = f', 'f', scope, { u: 'x*y' }, 'pde')).to.be.a('string');
  });

  it('compileNumeric finds unknown and reserved symbols when compiling, not at the first point', () => {
    expect(() => pinn.compileNumeric('x == 0 or q > 1', ['x'], {}, 'on')).to.throw(pinn.ExprError, "on: unknown symbol 'q'");
    expect(() => pinn.compileNumeric('constructor', ['x'], {}, 'exact')).to.throw(pinn.ExprError, "reserved name 'constructor'");
    expect(() => pinn.compileEquation('u + constructor', scope, 'pde')).to.throw(pinn.ExprError, "reserved name 'constructor'");
    expect(() => pinn.compileEquation('u + toString(x)', scope, 'pde')).to.throw(pinn.ExprError, "reserved name 'toString'");
    expect(pinn.symbolUse(parse('lap(u) + k*sin(x)'))).to.deep.equal({
      symbols: ['u', 'k', 'x'],
      functions: ['lap', 'sin'],
      unsupported: [],
    });
    expect(pinn.isReservedName('__proto__') && pinn.isReservedName('hasOwnProperty') && !pinn.isReservedName('proto')).to.equal(true);
  });

  it('rejection sampling of an empty CSG region throws instead of hanging', () => {
    const empty = difference(rectangle([0, 0], [1, 1]), rectangle([-1, -1], [2, 2]));
    expect(() => empty.sampleInterior(10, 'uniform', 1)).to.throw(/accepted none of \d+ candidates/);
  });
});
