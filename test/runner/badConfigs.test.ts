import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { encodeNpy } from '../../meshes/index.js';
import { pinnYaml, quadraticFactory, rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

const sim = (extra: string): string =>
  `kind: simulation\nname: s\nsimulator: { type: mass-spring }\ntask: { type: walk, horizon: 10 }\n${extra}`;
const mpmLoco = (extra: string): string =>
  `kind: simulation\nname: m\nsimulator: { type: mpm, robot: { body: walker, origin: [0.1, 0.1], actuation_strength: 4 } }\ncontroller: { type: mlp }\ntask: { type: locomotion, goal_range: [0, 0.1], horizon: 10 }\n${extra}`;
// simulator.robot variants of a valid MPM locomotion config: [description, replaced, by, key path, message]
const robotVariants: [string, string, string, string, string][] = [
  ['bad actuator group', 'body: walker', 'body: [{ x: 0, y: 0, w: 0.1, h: 0.1, group: -2 }]', 'simulator.robot.body', 'expected'],
  ['no actuation', 'actuation_strength: 4', 'actuation_strength: 0', 'simulator.robot.actuation_strength:', 'expected'],
  ['outside the grid', 'origin: [0.1, 0.1]', 'origin: [0.8, 0.1]', 'simulator.robot:', "outside the grid's interior"],
  ['misspelt key', 'body: walker', 'bdy: walker', 'simulator.robot.bdy:', "did you mean 'body'?"],
  [
    'group gap',
    'body: walker',
    'body: [{ x: 0, y: 0, w: 0.1, h: 0.1, group: 5 }]',
    'simulator.robot.body:',
    'actuator group 0 has no rectangle',
  ],
  ['no actuated part', 'body: walker', 'body: [{ x: 0, y: 0, w: 0.1, h: 0.1 }]', 'simulator.robot.body:', 'no rectangle is actuated'],
  ['too many particles', 'type: mpm,', 'type: mpm, n_grid: 4000,', 'simulator.robot:', 'more than 100000'],
];
const op = (extra: string): string =>
  `kind: operator\nname: o\nmodel: { type: fno, modes: 8 }\ndata: { type: burgers, resolution: 32, train: 10, test: 2 }\ntraining: { batch_size: 5 }\n${extra}`;

// [description, YAML, the message must start with this key path, and contain this expectation]
const cases: [string, string, string, string][] = [
  [
    'unknown optimizer',
    pinnYaml(['training: { optimizer: adamm }']),
    'training.optimizer:',
    "expected one of adam, adamw, sgd, lbfgs, multiadam, config, mconfig, lra, relobralo, pcgrad, upgrad, ntk, got 'adamm' (did you mean 'adam'?)",
  ],
  [
    'forward gradients with a per-loss optimizer',
    pinnYaml(['training: { optimizer: multiadam, forward_gradient: true }']),
    'training.forward_gradient:',
    "needs an optimizer that takes one gradient (adam, adamw, sgd), got optimizer 'multiadam'",
  ],
  [
    'finetune with a bad L-BFGS option',
    pinnYaml(['training: { steps: 6, finetune: { at: 3, optimizer_options: { history: 0 } } }']),
    'training.finetune.optimizer_options.history:',
    'expected',
  ],
  [
    'finetune with no points',
    pinnYaml(['training: { steps: 6, finetune: { at: 3, points: { domain: 0 } } }']),
    'training.finetune.points.domain:',
    'expected',
  ],
  [
    'finetune that never starts',
    pinnYaml(['training: { steps: 6, finetune: { at: 6 } }']),
    'training.finetune.at:',
    'expected a step below training.steps (6), got 6',
  ],
  [
    'finetune with an unknown optimizer',
    pinnYaml(['training: { steps: 6, finetune: { at: 3, optimizer: lbgfs } }']),
    'training.finetune.optimizer:',
    "did you mean 'lbfgs'?",
  ],
  ['misspelt top-level key', pinnYaml(['trainig: { steps: 3 }']), 'trainig:', "unknown key (did you mean 'training'?)"],
  ['misspelt nested key', pinnYaml(['training: { stepz: 3 }']), 'training.stepz:', "did you mean 'steps'?"],
  ['negative steps', pinnYaml(['training: { steps: -5 }']), 'training.steps:', 'expected a number > 0'],
  ['fractional seed', pinnYaml(['seed: 1.5']).replace('seed: 3\n', ''), 'seed:', 'expected an integer'],
  ['missing kind', 'name: x\npde: [u]', 'kind:', 'expected one of pinn, operator, simulation'],
  ['misspelt kind', pinnYaml().replace('kind: pinn', 'kind: pin'), 'kind:', "did you mean 'pinn'?"],
  ['unknown geometry type', pinnYaml().replace('type: rectangle', 'type: rectangel'), 'geometry.type:', "did you mean 'rectangle'?"],
  ['empty box', pinnYaml().replace('max: [1, 1]', 'max: [1, 0]'), 'geometry.max[1]:', 'expected a value greater than min'],
  [
    'CSG of mixed dimensions',
    pinnYaml().replace(
      'geometry: { type: rectangle, min: [0, 0], max: [1, 1] }',
      'geometry: { type: difference, of: [{ type: rectangle, min: [0, 0], max: [1, 1] }, { type: interval, min: 0, max: 1 }] }',
    ),
    'geometry.of[1]:',
    'expected a 2D geometry',
  ],
  [
    'misspelt key deep in CSG',
    pinnYaml().replace(
      'geometry: { type: rectangle, min: [0, 0], max: [1, 1] }',
      'geometry: { type: union, of: [{ type: rectangle, min: [0, 0], max: [1, 1] }, { type: disk, center: [1, 1], raduis: 0.5 }] }',
    ),
    'geometry.of[1].raduis:',
    "did you mean 'radius'?",
  ],
  ['empty pde list', pinnYaml().replace("pde: ['u - (1 + 2*x - 3*y)']", 'pde: []'), 'pde:', 'expected >= 1 entries'],
  [
    'condition on an unknown field',
    pinnYaml(['conditions: [{ type: dirichlet, field: v, value: 0 }]']),
    'conditions[0].field:',
    "expected one of u, got 'v'",
  ],
  [
    'unknown condition type',
    pinnYaml(['conditions: [{ type: dirichlett, value: 0 }]']),
    'conditions[0].type:',
    "did you mean 'dirichlet'?",
  ],
  ['initial condition without time', pinnYaml(['conditions: [{ type: initial, value: 0 }]']), 'conditions[0].type:', 'time: [t0, t1]'],
  [
    'periodic on an unknown axis',
    pinnYaml(['conditions: [{ type: periodic, axis: t }]']),
    'conditions[0].axis:',
    "expected one of x, y, got 't'",
  ],
  [
    'data condition observing an unknown field',
    pinnYaml(['conditions: [{ type: data, fields: [v] }]']),
    'conditions[0].fields[0]:',
    "expected one of u, got 'v'",
  ],
  [
    'values: exact without a file of points',
    pinnYaml(['conditions: [{ type: data, values: exact }]']),
    'conditions[0].file:',
    'expected a file listing the points',
  ],
  [
    'point constraint with the wrong number of coordinates',
    pinnYaml(['conditions: [{ type: point, at: [0.5] }]']),
    'conditions[0].at:',
    'expected 2 coordinates (one per axis), got 1',
  ],
  [
    'initial condition with both value and file',
    pinnYaml(['time: [0, 1]', 'conditions: [{ type: initial, value: 0, file: u0.dat }]']),
    'conditions[0].file:',
    'expected either value or file',
  ],
  ['missing coefficient file', pinnYaml(['coefficients: { a: { file: nothere.dat } }']), 'coefficients.a:', 'file does not exist'],
  ['coefficient named like a field', pinnYaml(['coefficients: { u: { file: a.dat } }']), 'coefficients.u:', 'expected a name distinct'],
  [
    'unknown coefficient interpolation',
    pinnYaml(['coefficients: { a: { file: a.dat, interpolation: cubic } }']),
    'coefficients.a.interpolation:',
    'expected one of linear, nearest',
  ],
  [
    'bad data columns of a one-array file',
    pinnYaml(['conditions: [{ type: data, file: one.npy, columns: [x, y] }]']),
    'conditions[0].columns:',
    'holds one [2, 3] array; expected 3 column names, got 2',
  ],
  [
    'unsupported reference format',
    pinnYaml(['reference: data/u.xlsx']).replace("exact: '1 + 2*x - 3*y'\n", ''),
    'reference:',
    'expected a .dat/',
  ],
  ['exact and reference together', pinnYaml(['reference: data/u.dat']), 'reference:', 'either exact or reference'],
  [
    'unknown estimator',
    pinnYaml(['derivatives: { estimator: stde }']),
    'derivatives.estimator:',
    'expected one of exact, stde-sparse, stde-dense',
  ],
  ['unknown activation', pinnYaml(['network: { activation: tanhh }']), 'network.activation:', "did you mean 'tanh'?"],
  [
    'resolution with the wrong axis count',
    pinnYaml().replace('resolution: [9, 7]', 'resolution: [9, 7, 5]'),
    'output.resolution:',
    'expected 2 entries',
  ],
  [
    'bad optimizer option (checked by optim)',
    pinnYaml(['training: { optimizer_options: { betas: [2, 0.9] } }']),
    'training.optimizer_options.betas:',
    'expected two numbers',
  ],
  ['learning rate twice', pinnYaml(['training: { lr: 0.01, optimizer_options: { lr: 0.1 } }']), 'training.lr:', 'in one place'],
  [
    'incomplete lr schedule',
    pinnYaml(['training: { lr: { type: cosine, lr: 0.01 } }']),
    'training.lr.total_steps:',
    'expected a number, got nothing (required)',
  ],
  ['negative lr', pinnYaml(['training: { lr: -0.01 }']), 'training.lr:', 'expected a number in (0,inf), got -0.01'],
  [
    'zero lr for a base optimizer',
    pinnYaml(['training: { lr: 0, optimizer: lra, optimizer_options: { base: sgd } }']),
    'training.lr:',
    'expected a number in (0,inf), got 0',
  ],
  [
    'bad finetune lr',
    pinnYaml(['training: { steps: 6, finetune: { at: 3, optimizer: adam, optimizer_options: { lr: { type: step, lr: 0.1 } } } }']),
    'training.finetune.optimizer_options.lr.step_size:',
    'expected a number, got nothing (required)',
  ],
  [
    'simulation task does not fit the simulator',
    sim('').replace('type: walk, horizon: 10', 'type: target, target: [0.5, 0.5]'),
    'task.type:',
    "expected a task for simulator 'mass-spring'",
  ],
  [
    'locomotion goal range with max <= min',
    sim('').replace('type: walk, horizon: 10', 'type: locomotion, goal_range: [0.2, 0.1]'),
    'task.goal_range:',
    'expected [min, max] with max > min, got [0.2, 0.1]',
  ],
  [
    'walk on the MPM simulator',
    sim('').replace('type: mass-spring', 'type: mpm'),
    'task.type:',
    "expected a task for simulator 'mpm' (locomotion, target, learn_material), got 'walk'",
  ],
  [
    'unknown locomotion goal',
    sim('').replace('type: walk, horizon: 10', 'type: locomotion, goal: swimming, goal_range: [0, 1]'),
    'task.goal:',
    'running',
  ],
  ['unknown controller type', sim('controller: { type: lstm }'), 'controller.type:', "'mlp'"],
  [
    'controller on the MPM simulator',
    sim('controller: { type: mlp }')
      .replace('type: mass-spring', 'type: mpm')
      .replace('type: walk, horizon: 10', 'type: target, target: [0.5, 0.5]'),
    'controller:',
    'a controller drives a mass-spring robot or the MPM robot of task locomotion',
  ],
  ['zero controller width', sim('controller: { type: mlp, hidden: 0 }'), 'controller.hidden:', 'expected'],
  [
    'multi-loss optimizer on a simulation',
    sim('training: { optimizer: pcgrad }'),
    'training.optimizer:',
    'expected one of adam, adamw, sgd',
  ],
  ['FNO modes above Nyquist', op('').replace('modes: 8', 'modes: 40'), 'model.modes:', 'expected at most resolution/2 + 1 = 17'],
  [
    'batch larger than the training set',
    op('').replace('batch_size: 5', 'batch_size: 50'),
    'training.batch_size:',
    'expected at most data.train = 10',
  ],
  ['unknown operator model', op('').replace('type: fno', 'type: fnoo'), 'model.type:', "did you mean 'fno'?"],
  [
    'unknown symbol in a PDE (pinn/ expression compiler)',
    pinnYaml().replace("pde: ['u - (1 + 2*x - 3*y)']", "pde: ['lap(u) + w']").replace("exact: '1 + 2*x - 3*y'\n", ''),
    'pde[0]:',
    "unknown symbol 'w'",
  ],
  [
    'unknown symbol in an on: selector',
    pinnYaml(["conditions: [{ type: dirichlet, on: 'x == 0 and q > 1', value: 0 }]"]),
    'conditions[0].on:',
    "unknown symbol 'q'",
  ],
  [
    'missing reference file',
    pinnYaml(['reference: nothere.dat']).replace("exact: '1 + 2*x - 3*y'\n", ''),
    'reference:',
    'file does not exist',
  ],
  ['YAML syntax error', 'kind: pinn\nname: [unclosed', 'config.yaml:', 'invalid YAML'],
  ['duplicate key', pinnYaml(['seed: 4']), 'config.yaml:', 'invalid YAML'],
  ...robotVariants.map(([what, from, to, path, message]): [string, string, string, string] => [
    `MPM robot: ${what}`,
    mpmLoco('').replace(from, to),
    path,
    message,
  ]),
];

describe('runner: invalid configs exit 2 naming the key path', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'one.npy'), encodeNpy(Float64Array.from([0, 0, 1, 1, 1, 2]), [2, 3])); // one [2, 3] array
  for (const [what, yaml, path, expectation] of cases) {
    it(what, async () => {
      const body = await rejectedAt(dir, yaml, path);
      expect(body).to.contain(expectation);
    });
  }

  it('`run` rejects the same way and creates no run directory', async () => {
    const file = writeConfig(dir, pinnYaml(['training: { optimizer: adamm }']));
    const out = `${dir}/never`;
    const s = sinks();
    const code = await main(['run', file, '--out', out, '--quiet'], { ...s.deps, trainerFactory: quadraticFactory() });
    expect(code).to.equal(2);
    expect(s.err.join('')).to.match(/^error: training\.optimizer: expected one of/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(out)).to.equal(false);
  });

  it('bad CLI values exit 2: --steps, --backend, missing file, unknown option', async () => {
    const file = writeConfig(dir, pinnYaml());
    for (const [argv, text] of [
      [['run', file, '--steps', 'ten'], "--steps: expected a positive integer, got 'ten'"],
      [['run', file, '--backend', 'cuda'], "--backend: expected one of wasm, gpu, js, webgpu, got 'cuda'"],
      [['validate', `${dir}/missing.yaml`], 'cannot read config (ENOENT)'],
      [['run', file, '--stepz', '3'], "unknown option '--stepz'"],
    ] as [string[], string][]) {
      const s = sinks();
      expect(await main(argv, { ...s.deps, trainerFactory: quadraticFactory() })).to.equal(2);
      expect(s.err.join('')).to.contain(text);
    }
  });

  it('--debug prints the stack instead of the one-line message', async () => {
    const file = writeConfig(dir, pinnYaml(['training: { optimizer: adamm }']));
    const s = sinks();
    expect(await main(['validate', file, '--debug'], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/ConfigError: training\.optimizer[\s\S]*\n\s+at /);
  });
});
