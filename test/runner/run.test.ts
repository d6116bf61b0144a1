import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../runner/cli.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { readMetrics, type MetricsRecord, type Summary } from '../../runner/outputs.js';
import { readVtk } from '../../meshes/index.js';
import { getBackend } from '../../core/index.js';
import { type QuadraticTrainer, TRUE_W, pinnYaml, quadraticFactory, sinks, tempDir, writeConfig } from './helpers.js';

const withoutWall = (ms: MetricsRecord[]) => ms.map(({ wall_time: _w, ...rest }) => rest);
const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
const trainerState = (dir: string) => readCheckpoint(join(dir, 'checkpoint'))!.trainer as ReturnType<QuadraticTrainer['state']>;

describe('runner: run loop with a test-double trainer', () => {
  const dir = tempDir();
  const cfg = writeConfig(dir, pinnYaml(['training: { steps: 200, log_every: 10, checkpoint_every: 50, lr: 0.05 }']));

  it('writes config.resolved.yaml, metrics.jsonl and summary.json with the expected content', async () => {
    const out = join(dir, 'full');
    const s = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet'], { ...s.deps, trainerFactory: quadraticFactory() })).to.equal(0);
    const resolved = parse(readFileSync(join(out, 'config.resolved.yaml'), 'utf8')) as {
      training: { optimizer: string; points: { domain: number } };
      network: { layers: number[] };
    };
    expect(resolved.training.optimizer).to.equal('adam'); // default filled
    expect(resolved.training.points.domain).to.equal(2000);
    expect(resolved.network.layers).to.deep.equal([64, 64, 64]);
    const ms = readMetrics(join(out, 'metrics.jsonl'));
    expect(ms.map((m) => m.step)).to.deep.equal(Array.from({ length: 20 }, (_, i) => 10 * (i + 1)));
    for (const m of ms) {
      expect(m.loss).to.equal(m.terms.fit);
      expect(m.lr).to.equal(0.05);
      expect(m.l2re).to.be.a('number');
      expect(m.unknowns).to.have.property('w0');
    }
    // wall time is cumulative and increasing; the fit converges (error falls by 10x)
    for (let i = 1; i < ms.length; i++) expect(ms[i].wall_time).to.be.at.least(ms[i - 1].wall_time);
    expect(ms[ms.length - 1].l2re!).to.be.below(ms[0].l2re! / 10);
    const sum = summaryOf(out);
    expect(sum).to.include({ name: 'linear-fit', kind: 'pinn', status: 'completed', steps: 200 });
    expect(sum.l2re).to.equal(ms[ms.length - 1].l2re);
    expect(sum.backend).to.be.a('string');
    expect(sum.wall_time).to.be.at.least(ms[ms.length - 1].wall_time);
    expect(sum.fields).to.deep.equal(['solution.vti']);
  });

  it('fields/solution.vti holds prediction, reference and error on the output grid', () => {
    const ds = readVtk(join(dir, 'full', 'fields', 'solution.vti'));
    if (ds.kind !== 'ImageData') throw new Error(`expected ImageData, got ${ds.kind}`);
    expect(ds.dims).to.deep.equal([9, 7, 1]);
    expect(ds.spacing[0]).to.be.closeTo(1 / 8, 1e-15);
    const get = (n: string) => ds.pointData.find((a) => a.name === n)!.values;
    const [u, ref, err] = [get('u'), get('u_reference'), get('u_error')];
    // node (i, j) sits at (i/8, j/6); reference = 1 + 2x - 3y exactly, error = |u - ref|
    const k = 3 + 9 * 5;
    expect(ref[k]).to.be.closeTo(TRUE_W[0] + TRUE_W[1] * (3 / 8) + TRUE_W[2] * (5 / 6), 1e-12);
    for (let i = 0; i < u.length; i++) expect(err[i]).to.be.closeTo(Math.abs(u[i] - ref[i]), 1e-12);
    expect(Math.max(...Array.from(get('inside')))).to.equal(1);
  });

  it('resume is bit-for-bit: 200 steps == 100 steps, stop, resume to 200 (metrics and parameters)', async () => {
    const half = join(dir, 'half');
    const f = quadraticFactory();
    expect(await main(['run', cfg, '--out', half, '--quiet', '--steps', '100'], { ...sinks().deps, trainerFactory: f })).to.equal(0);
    expect(readCheckpoint(join(half, 'checkpoint'))!.step).to.equal(100);
    expect(await main(['run', cfg, '--out', half, '--quiet', '--resume'], { ...sinks().deps, trainerFactory: f })).to.equal(0);
    const full = readMetrics(join(dir, 'full', 'metrics.jsonl'));
    const resumed = readMetrics(join(half, 'metrics.jsonl'));
    expect(withoutWall(resumed)).to.deep.equal(withoutWall(full));
    expect(trainerState(half)).to.deep.equal(trainerState(join(dir, 'full')));
    expect(summaryOf(half).resumed_from).to.equal(100);
  });

  it('resume drops metrics logged after the checkpoint (a crash between checkpoints)', async () => {
    const out = join(dir, 'crash');
    const c2 = writeConfig(dir, pinnYaml(['training: { steps: 200, log_every: 10, checkpoint_every: 50, lr: 0.05 }']), 'c2.yaml');
    // NaN at step 75 stops the run after logging step 75; the checkpoint stays at 50
    expect(
      await main(['run', c2, '--out', out, '--quiet', '--steps', '200'], {
        ...sinks().deps,
        trainerFactory: quadraticFactory({ nanAtStep: 75 }),
      }),
    ).to.equal(3);
    expect(await main(['run', c2, '--out', out, '--quiet', '--resume'], { ...sinks().deps, trainerFactory: quadraticFactory() })).to.equal(
      0,
    );
    expect(withoutWall(readMetrics(join(out, 'metrics.jsonl')))).to.deep.equal(
      withoutWall(readMetrics(join(dir, 'full', 'metrics.jsonl'))),
    );
  });

  it('NaN stops with exit 3, a message naming the step, and keeps the last good checkpoint', async () => {
    const out = join(dir, 'nan');
    const s = sinks();
    const code = await main(['run', cfg, '--out', out, '--quiet'], { ...s.deps, trainerFactory: quadraticFactory({ nanAtStep: 123 }) });
    expect(code).to.equal(3);
    const msg = s.err.join('');
    expect(msg).to.match(/^error: training diverged at step 123: loss is NaN; last good checkpoint: step 100 in /);
    const ck = readCheckpoint(join(out, 'checkpoint'))!;
    expect(ck.step).to.equal(100);
    expect((ck.trainer as { w: number[] }).w.every(Number.isFinite)).to.equal(true);
    expect(summaryOf(out)).to.include({ status: 'diverged', steps: 123 });
    // the two newest checkpoints and their manifest; no temp files left
    expect(readdirSync(join(out, 'checkpoint')).sort()).to.deep.equal(['manifest.json', 'state-100.json', 'state-50.json']);
    expect(summaryOf(out).stopped).to.deep.equal({ reason: 'diverged', criterion: 'non_finite', step: 123 });
    expect(readMetrics(join(out, 'metrics.jsonl')).at(-1)).to.include({ step: 123, diverged: 'non_finite' });
  });

  it('a loss blow-up beyond divergence_factor x best also stops with exit 3', async () => {
    const c3 = writeConfig(dir, pinnYaml(['training: { steps: 50, lr: 40, divergence_factor: 1000, log_every: 5 }']), 'c3.yaml');
    const s = sinks();
    expect(await main(['run', c3, '--out', join(dir, 'blow'), '--quiet'], { ...s.deps, trainerFactory: quadraticFactory() })).to.equal(3);
    expect(s.err.join('')).to.match(/exceeds 1000 x the best loss .*training\.divergence_factor/);
    // logged like NaN: the step that tripped the test is in metrics.jsonl (off the log_every grid) and summary.json
    const step = Number(/diverged at step (\d+)/.exec(s.err.join(''))![1]);
    const last = readMetrics(join(dir, 'blow', 'metrics.jsonl')).at(-1)!;
    expect(last).to.include({ step, diverged: 'divergence_factor' });
    const sum = summaryOf(join(dir, 'blow'));
    expect(sum).to.include({ status: 'diverged', steps: step });
    expect(sum.stopped).to.deep.equal({ reason: 'diverged', criterion: 'divergence_factor', step });
    expect(sum.message).to.contain('training.divergence_factor');
  });

  it('--resume refuses a changed problem and a missing checkpoint (exit 2)', async () => {
    const other = writeConfig(dir, pinnYaml(['seed: 4', 'training: { steps: 200 }']).replace('seed: 3\n', ''), 'other.yaml');
    const s = sinks();
    expect(
      await main(['run', other, '--out', join(dir, 'half'), '--resume', '--quiet'], { ...s.deps, trainerFactory: quadraticFactory() }),
    ).to.equal(2);
    expect(s.err.join('')).to.contain('was written for a different config');
    const s2 = sinks();
    expect(
      await main(['run', cfg, '--out', join(dir, 'nothing'), '--resume', '--quiet'], { ...s2.deps, trainerFactory: quadraticFactory() }),
    ).to.equal(2);
    expect(s2.err.join('')).to.contain('--resume: no checkpoint in');
  });

  it('a fresh run over an old run directory starts from scratch', async () => {
    const out = join(dir, 'half');
    expect(
      await main(['run', cfg, '--out', out, '--quiet', '--steps', '20'], { ...sinks().deps, trainerFactory: quadraticFactory() }),
    ).to.equal(0);
    expect(readMetrics(join(out, 'metrics.jsonl')).map((m) => m.step)).to.deep.equal([10, 20]);
    expect(existsSync(join(out, 'summary.json'))).to.equal(true);
    expect(summaryOf(out).resumed_from).to.equal(undefined);
  });
});

describe('runner: fluxion view', () => {
  it('serves a run directory on loopback until stopped, listing its outputs', async () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, pinnYaml(['training: { steps: 10, log_every: 5 }']));
    const out = join(dir, 'run');
    expect(await main(['run', cfg, '--out', out, '--quiet'], { ...sinks().deps, trainerFactory: quadraticFactory() })).to.equal(0);
    let stop!: () => void;
    const s = sinks();
    const done = main(['view', out], { ...s.deps, viewUntil: new Promise<void>((r) => (stop = r)) });
    for (let i = 0; i < 200 && s.out.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(s.out.join(''))?.[1];
    expect(url, s.out.join('') + s.err.join('')).to.be.a('string');
    const listing = JSON.stringify(await (await fetch(`${url}api/list`)).json());
    expect(listing).to.contain('metrics.jsonl');
    expect(listing).to.contain('solution.vti');
    stop();
    expect(await done).to.equal(0);
  });

  it('rejects a missing run directory with exit 2', async () => {
    const s = sinks();
    expect(await main(['view', '/nonexistent/run'], s.deps)).to.equal(2);
    expect(s.err.join('')).to.contain("<run dir>: expected a run directory, got '/nonexistent/run'");
  });
});

describe('runner: --backend', () => {
  it('runs on the js backend when asked, records it, and restores the previous backend', async () => {
    const before = getBackend();
    const dir = tempDir();
    const cfg = writeConfig(dir, pinnYaml(['training: { steps: 4, log_every: 2 }']));
    let seen = '';
    const factory = quadraticFactory();
    const spy: typeof factory = (c, ctx) => {
      seen = getBackend();
      return factory(c, ctx);
    };
    expect(
      await main(['run', cfg, '--out', join(dir, 'js'), '--backend', 'js', '--quiet'], { ...sinks().deps, trainerFactory: spy }),
    ).to.equal(0);
    expect(seen).to.equal('js');
    expect(summaryOf(join(dir, 'js')).backend).to.equal('js');
    expect(getBackend()).to.equal(before);
  });
});

describe('runner: fluxion bench', () => {
  it('times the compiled PINN step and the matmul on the chosen backend, with GFLOP/s', async () => {
    const s = sinks();
    expect(await main(['bench', '--backend', 'wasm', '--reps', '1'], s.deps), s.err.join('')).to.equal(0);
    const rows = s.out.join('').trim().split('\n').slice(1);
    expect(rows).to.have.length(3);
    for (const row of rows) expect(Number(/([\d.]+) ms/.exec(row)?.[1])).to.be.above(0);
    expect(Number(/([\d.]+) GFLOP\/s/.exec(rows[2])?.[1])).to.be.above(0.1);
  });

  it('rejects an unknown backend and a bad repeat count with exit 2', async () => {
    for (const [args, msg] of [
      [['--backend', 'cuda'], "--backend: expected one of wasm, gpu, js, got 'cuda'"],
      [['--reps', '0'], "--reps: expected a positive integer, got '0'"],
    ] as const) {
      const s = sinks();
      expect(await main(['bench', ...args], s.deps)).to.equal(2);
      expect(s.err.join('')).to.contain(msg);
    }
  });
});
