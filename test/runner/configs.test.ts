// Every example config validates and runs 5 steps through the real trainers. Operator datasets and
// simulation horizons, inverse grids, PINN point counts and output grids are shrunk in a temporary copy (data
// generation and large batches would dominate the test time); the shipped files are validated as is.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { main } from '../../runner/cli.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { readMetrics, type Summary } from '../../runner/outputs.js';
import { sinks, tempDir, writeConfig } from './helpers.js';
import { readVtk } from '../../meshes/index.js';

const CONFIGS = join(process.cwd(), 'configs');
const files = readdirSync(CONFIGS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Smaller data/horizons for the test copy; returns the path to run. */
function testCopy(file: string, dir: string): string {
  const path = join(CONFIGS, file);
  // biome-ignore lint/suspicious/noExplicitAny: the test edits arbitrary keys of each example's parsed YAML in place
  const c = parse(readFileSync(path, 'utf8')) as Record<string, any>;
  if (c.kind === 'pinn') {
    c.training = { ...c.training, points: { domain: 128, boundary: 32, initial: 32, test: 256 } };
    c.output = { resolution: 9 };
    // switch to the second optimizer inside the short test runs
    if (c.training.finetune) c.training.finetune = { ...c.training.finetune, at: 2 };
    if (typeof c.reference === 'string') c.reference = join(CONFIGS, c.reference);
    for (const b of (c.conditions ?? []) as Array<{ file?: string }>) if (b.file) b.file = join(CONFIGS, b.file);
  } else if (c.kind === 'operator') {
    c.data = { ...c.data, train: 8, test: 4, resolution: c.data.type === 'burgers' ? 32 : c.data.resolution };
    if (c.model.type === 'fno') c.model.modes = Math.min(c.model.modes, 8);
    c.training = { ...c.training, batch_size: 4 };
  } else if (c.kind === 'inverse') {
    c.grid = { n: 8 };
  } else if (c.task.type === 'learn_material') {
    c.task = { ...c.task, train_steps: 10, test_steps: 20 };
  } else {
    c.task = { ...c.task, horizon: 40 };
  }
  return writeConfig(dir, stringify(c), file);
}

describe('runner: example configs', () => {
  const dir = tempDir();
  it(`there is one example per capability (${files.length} configs)`, () => {
    for (const name of [
      'poisson2d',
      'burgers1d',
      'helmholtz2d',
      'heat-inverse',
      'heat1d-upgrad',
      'fno-burgers',
      'deeponet-antiderivative',
      'mass-spring-walk',
      'mass-spring-locomotion',
      'mpm-target',
      'mpm-learn-material',
      'mpm-locomotion',
      'diffusion-coefficient',
    ]) {
      expect(files).to.include(`${name}.yaml`);
    }
  });

  it("the README's example, configs/poisson2d.yaml as shipped, reaches l2re < 1e-2 against sin(pi x) sin(pi y)", async () => {
    const out = join(dir, 'poisson2d-full');
    const r = sinks();
    expect(await main(['run', join(CONFIGS, 'poisson2d.yaml'), '--out', out, '--quiet'], r.deps), r.err.join('')).to.equal(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.steps).to.equal(2000);
    expect(summary.l2re).to.be.below(1e-2); // 2.9e-3 measured
  });

  for (const file of files) {
    it(`${file}: validates and runs --steps 5`, async () => {
      const s = sinks();
      expect(await main(['validate', join(CONFIGS, file)], s.deps), s.err.join('')).to.equal(0);
      const out = join(dir, file.replace('.yaml', ''));
      const r = sinks();
      const code = await main(['run', testCopy(file, dir), '--steps', '5', '--out', out, '--quiet'], r.deps);
      expect(code, r.err.join('')).to.equal(0);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
      expect(summary).to.include({ status: 'completed', steps: 5 });
      expect(Number.isFinite(summary.loss)).to.equal(true);
      expect(readMetrics(join(out, 'metrics.jsonl')).at(-1)!.step).to.equal(5);
      expect(summary.fields!.length).to.be.greaterThan(0);
      expect(readdirSync(join(out, 'fields')).length).to.be.greaterThan(0);
      // a forward problem reports its error; an inverse one without reference data its unknowns
      if (summary.kind !== 'simulation') expect(summary.l2re ?? Object.values(summary.unknowns ?? {})[0]).to.be.a('number');
    });
  }

  it('burgers1d writes prediction, reference and error at the reference points (fields/reference.vtp)', () => {
    const ds = readVtk(join(dir, 'burgers1d', 'fields', 'reference.vtp'));
    if (ds.kind !== 'PolyData') throw new Error(`expected PolyData, got ${ds.kind}`);
    const get = (n: string) => ds.pointData.find((a) => a.name === n)!.values;
    const [u, ref, err] = [get('u'), get('u_reference'), get('u_error')];
    expect(u.length).to.equal(101 * 11); // 101 nodes x 11 times of the COMSOL table
    for (let i = 0; i < u.length; i += 97) expect(err[i]).to.be.closeTo(Math.abs(u[i] - ref[i]), 1e-12);
    // the t = 0 column is the initial condition -sin(pi x)
    const pts = ds.points;
    for (let i = 0; i < u.length; i++) if (pts[3 * i + 1] === 0) expect(ref[i]).to.be.closeTo(-Math.sin(Math.PI * pts[3 * i]), 1e-3);
  });

  it('heat-inverse reports the unknown D in metrics and summary', () => {
    const ms = readMetrics(join(dir, 'heat-inverse', 'metrics.jsonl'));
    expect(ms.at(-1)!.unknowns!.D).to.be.a('number');
    expect(Math.abs(ms.at(-1)!.unknowns!.D - 0.5)).to.be.below(0.1); // 5 Adam steps move it a little
    // true_values: { D: 0.1 } in the shipped config
    expect(ms.at(-1)!.unknowns_rel_error!.D).to.equal(Math.abs(ms.at(-1)!.unknowns!.D - 0.1) / 0.1);
  });

  // the PINN and operator configs train with Adam fused into the compiled step (optim/fusedAdam.ts)
  for (const file of [
    'poisson2d.yaml',
    'burgers1d.yaml',
    'deeponet-antiderivative.yaml',
    'fno-burgers.yaml',
    'mass-spring-walk.yaml',
    'mass-spring-locomotion.yaml',
    'mpm-target.yaml',
    'mpm-learn-material.yaml',
    'mpm-locomotion.yaml',
    'diffusion-coefficient.yaml',
  ]) {
    it(`${file}: real trainer resumes bit-for-bit (6 steps == 3 + resume to 6)`, async () => {
      const cfg = testCopy(file, dir);
      const a = join(dir, `full-${file}`),
        b = join(dir, `half-${file}`);
      expect(await main(['run', cfg, '--steps', '6', '--out', a, '--quiet'], sinks().deps)).to.equal(0);
      expect(await main(['run', cfg, '--steps', '3', '--out', b, '--quiet'], sinks().deps)).to.equal(0);
      expect(await main(['run', cfg, '--steps', '6', '--out', b, '--quiet', '--resume'], sinks().deps)).to.equal(0);
      const strip = (p: string) => readMetrics(join(p, 'metrics.jsonl')).map(({ wall_time: _w, ...m }) => m);
      expect(strip(b)).to.deep.equal(strip(a));
      expect(readCheckpoint(join(b, 'checkpoint'))!.trainer).to.deep.equal(readCheckpoint(join(a, 'checkpoint'))!.trainer);
    });
  }
});
