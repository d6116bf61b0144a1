// `npm run bench:pinnacle` (bench/pinnacle/run.ts and its modules): argument errors name the flag, every method
// variant of every suite config validates and says what its method means, the tables compute mean/std and mark the
// best from known records, the published table covers PINNacle's 22 problems, and a real 5-step run writes a record.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateFile } from '../../runner/run.js';
import { QUICK_STEPS, UsageError, parseArgs } from '../../bench/pinnacle/args.js';
import { executeRun } from '../../bench/pinnacle/execute.js';
import { METHOD_IDS, deepMerge, methodConfig } from '../../bench/pinnacle/methods.js';
import { configYamlAt, discoverProblems, readConfig, rebasePaths, selectProblems } from '../../bench/pinnacle/problems.js';
import { PUBLISHED, PUBLISHED_METHODS, publishedBest, publishedVanilla } from '../../bench/pinnacle/published.js';
import { readRecords, type RunRecord } from '../../bench/pinnacle/records.js';
import { aggregate, bestTable, quickTable, renderResults } from '../../bench/pinnacle/table.js';
import { main } from '../../bench/pinnacle/run.js';

const REPO = process.cwd();
const BENCH = join(REPO, 'bench', 'pinnacle');
const CLI = join(REPO, 'bin', 'fluxion.js');

/** The UsageError message of parsing `argv`. */
function usageError(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).to.be.instanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

/** Runs `f` with console.log / console.error captured. */
async function quietly<T>(f: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const { log, error } = console;
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => void (out += `${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => void (err += `${a.join(' ')}\n`);
  try {
    return { value: await f(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** A table line with its padding collapsed. */
const squeeze = (line: string): string => line.replace(/ {2,}/g, ' ');

function rec(p: Partial<RunRecord> & Pick<RunRecord, 'problem' | 'method' | 'seed' | 'l2re'>): RunRecord {
  return {
    setting: 'quick',
    steps_requested: QUICK_STEPS,
    steps: QUICK_STEPS,
    wall_s: 10,
    budget_s: 900,
    status: p.l2re === null ? 'diverged' : 'completed',
    date: '2026-01-01T00:00:00.000Z',
    commit: 'abc1234',
    machine: 'test machine, load 1.0',
    ...p,
  };
}

describe('bench:pinnacle suite', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'fluxion-pinnacle-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('arguments', () => {
    it('reads every flag; --quick is 500 steps and one seed, --steps overrides it', () => {
      const o = parseArgs(['--quick', '--only', 'gs,ks', '--methods=vanilla,lra', '--budget-min', '2.5', '--table-only']);
      expect(o).to.include({ quick: true, steps: QUICK_STEPS, seeds: 1, budgetMin: 2.5, tableOnly: true });
      expect(o.only).to.deep.equal(['gs', 'ks']);
      expect(o.methods).to.deep.equal(['vanilla', 'lra']);
      expect(parseArgs(['--quick', '--steps', '7']).steps).to.equal(7);
      expect(parseArgs([])).to.include({ seeds: 1, firstSeed: 0, budgetMin: 15, quick: false });
      expect(parseArgs(['--seeds', '2', '--first-seed', '1'])).to.include({ seeds: 2, firstSeed: 1 });
      expect(parseArgs([]).steps).to.equal(undefined);
      expect(parseArgs([]).methods).to.deep.equal(['vanilla']);
    });

    it('rejects bad input with a message naming the flag', () => {
      expect(usageError(['--bogus'])).to.match(/^--bogus: unknown option/);
      expect(usageError(['--seeds', '0'])).to.equal("--seeds: expected a positive integer, got '0'");
      expect(usageError(['--first-seed', '-1'])).to.equal("--first-seed: expected a non-negative integer, got '-1'");
      expect(usageError(['--first-seed', 'x'])).to.equal("--first-seed: expected a non-negative integer, got 'x'");
      expect(usageError(['--steps', '1.5'])).to.match(/^--steps: expected a positive integer/);
      expect(usageError(['--steps'])).to.equal('--steps: expected a value');
      expect(usageError(['--only', '--quick'])).to.equal('--only: expected a value');
      expect(usageError(['--budget-min', 'soon'])).to.match(/^--budget-min: expected a positive number/);
      expect(usageError(['--budget-min', '-1'])).to.match(/^--budget-min:/);
      expect(usageError(['--methods', 'vanilla,adamw'])).to.match(/^--methods: unknown method 'adamw' \(known: vanilla, lbfgs/);
      expect(usageError(['--only', 'gs,,ks'])).to.match(/^--only: expected a comma-separated list/);
      expect(usageError(['--quick=yes'])).to.match(/^--quick: takes no value/);
      expect(usageError(['--seeds', '2', '--seeds', '3'])).to.equal('--seeds: given twice');
    });

    it('an unknown problem names --only and the known ids', () => {
      const all = discoverProblems(BENCH, REPO);
      expect(() => selectProblems(all, ['ks', 'nope'])).to.throw(/^--only: unknown problem 'nope' \(known: .*ks/);
      expect(selectProblems(all, ['ks', 'gs']).map((p) => p.id)).to.deep.equal(['ks', 'gs']);
    });

    it('the script exits 2 with one line naming the flag', () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'pinnacle', 'run.ts'), '--seeds', 'two'], {
        encoding: 'utf8',
      });
      expect(r.status).to.equal(2);
      expect(r.stderr.trim()).to.equal("bench:pinnacle: --seeds: expected a positive integer, got 'two'");
    });
  });

  describe('problems and method variants', () => {
    it('discovers every bench/pinnacle/*.yaml, and configs/poisson-holes.yaml stands in for a missing poisson2d-c', () => {
      const ids = discoverProblems(BENCH, REPO).map((p) => p.id);
      for (const id of ['gs', 'hinv', 'ks', 'ns2d-c', 'ns2d-cg', 'ns2d-lt', 'pinv', 'poissonnd', 'wave1d-c', 'wave2d-cg', 'wave2d-ms'])
        expect(ids).to.include(id);
      expect(ids).to.include('poisson2d-c');
      // a directory of our own: discovery is whatever *.yaml is there
      const dir = join(tmp, 'discover');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'b.yaml'), 'kind: pinn\n');
      writeFileSync(join(dir, 'a.yaml'), 'kind: pinn\n');
      writeFileSync(join(dir, 'notes.md'), '');
      expect(discoverProblems(dir, tmp).map((p) => p.id)).to.deep.equal(['a', 'b']);
    });

    it('deepMerge merges objects, replaces arrays and scalars, and leaves its inputs alone', () => {
      const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
      const merged = deepMerge(base, { a: { c: [3], e: 2 }, f: true });
      expect(merged).to.deep.equal({ a: { b: 1, c: [3], e: 2 }, d: 'x', f: true });
      expect(base).to.deep.equal({ a: { b: 1, c: [1, 2] }, d: 'x' });
    });

    it('file paths are rebased to where the variant is written; expressions are left alone', () => {
      const from = join(REPO, 'bench', 'pinnacle');
      const to = join(tmp, 'deeper', 'still');
      const out = rebasePaths({ reference: '../../data/pinnacle/gs.dat', pde: ['u_t - 0.5', 'x.dat'], n: 3 }, from, to) as {
        reference: string;
        pde: string[];
        n: number;
      };
      expect(resolve(to, out.reference)).to.equal(join(REPO, 'data', 'pinnacle', 'gs.dat'));
      expect(out.pde).to.deep.equal(['u_t - 0.5', 'x.dat']); // no such file: not a path
      expect(out.n).to.equal(3);
    });

    // configs with distinct ingredients (validating all of them takes a minute on the shared machine): causal training,
    // modified MLP and Fourier features (gs); a data file and two fields (hinv); a coefficient file (wave2d-cg); an
    // L-BFGS finetune of its own and the configs/ stand-in (poisson2d-c)
    const VARIED = ['gs', 'hinv', 'wave2d-cg', 'poisson2d-c'];

    it('every method variant validates (fluxion validate) and sets what its method means', () => {
      const steps = QUICK_STEPS;
      const dir = join(tmp, 'variants', 'nested'); // another depth than bench/pinnacle: paths must be rebased
      mkdirSync(dir, { recursive: true });
      for (const p of selectProblems(discoverProblems(BENCH, REPO), VARIED)) {
        const config = readConfig(p.file);
        for (const m of METHOD_IDS) {
          const file = join(dir, `${p.id}-${m}.yaml`);
          writeFileSync(file, configYamlAt(methodConfig(config, m, steps, 1), p.file, file));
          let resolved: ReturnType<typeof validateFile>['config'];
          try {
            resolved = validateFile(file).config;
          } catch (e) {
            throw new Error(`${p.id} / ${m}: ${(e as Error).message}`);
          }
          if (resolved.kind !== 'pinn') throw new Error(`${p.id}: expected a pinn config`);
          expect(resolved.seed, `${p.id} / ${m} seed`).to.equal(((config.seed as number | undefined) ?? 0) + 1);
          const t = resolved.training;
          const n = resolved.network;
          if (m === 'lbfgs') expect(t.finetune, p.id).to.deep.include({ at: 125, optimizer: 'lbfgs', dtype: 'f32' });
          if (m === 'lbfgs') expect(t.steps).to.equal(steps);
          if (m === 'lra' || m === 'ntk' || m === 'multiadam' || m === 'config') expect(t.optimizer).to.equal(m);
          if (m === 'rar') expect(t.adaptive).to.deep.include({ method: 'rar-g', every: 50, add: 100 });
          if (m === 'laaf' || m === 'gaaf') expect(n.adaptive_activation?.kind).to.equal(m);
          if (m === 'vanilla') expect(methodConfig(config, m, steps, 0)).to.deep.equal({ ...config, seed: config.seed ?? 0 });
        }
      }
    });
  });

  describe('tables', () => {
    const records: RunRecord[] = [
      rec({ problem: 'pinv', method: 'vanilla', seed: 0, l2re: 0.1 }),
      rec({ problem: 'pinv', method: 'vanilla', seed: 1, l2re: 0.2 }),
      rec({ problem: 'pinv', method: 'vanilla', seed: 2, l2re: 0.9 }),
      rec({ problem: 'pinv', method: 'vanilla', seed: 2, l2re: 0.3 }), // seed 2 again: the latest record counts
      rec({ problem: 'pinv', method: 'lra', seed: 0, l2re: 0.05 }),
      rec({ problem: 'pinv', method: 'ntk', seed: 0, l2re: null }),
      rec({ problem: 'ks', method: 'vanilla', seed: 0, l2re: 0.95 }),
      rec({ problem: 'ks', method: 'vanilla', seed: 0, l2re: 0.5, setting: 'full', steps_requested: 4000, steps: 1868, status: 'budget' }),
      rec({ problem: 'mine', method: 'vanilla', seed: 0, l2re: 0.7 }),
      rec({ problem: 'poisson2d-c', config: 'configs/poisson-holes.yaml', method: 'vanilla', seed: 0, l2re: 0.4 }),
      rec({ problem: 'poisson2d-c', config: 'bench/pinnacle/poisson2d-c.yaml', method: 'vanilla', seed: 0, l2re: 0.6 }),
    ];

    it('mean and sample std over seeds, one record per seed', () => {
      const g = aggregate(records).find((x) => x.problem === 'pinv' && x.method === 'vanilla')!;
      expect(g.n).to.equal(3);
      expect(g.mean).to.be.closeTo(0.2, 1e-12);
      expect(g.std).to.be.closeTo(0.1, 1e-12); // (0.1, 0.2, 0.3): sqrt(((0.1)^2 + 0 + (0.1)^2) / 2)
      const ntk = aggregate(records).find((x) => x.method === 'ntk')!;
      expect(ntk).to.include({ n: 0, mean: null, std: null });
      expect(ntk.failures).to.deep.equal(['diverged']);
    });

    it('best per problem beside the published numbers; a budget-stopped run shows the steps it reached', () => {
      const t = bestTable(aggregate(records));
      const row = (id: string): string => squeeze(t.split('\n').find((l) => l.startsWith(`| ${id} `))!);
      expect(row('pinv')).to.equal('| pinv | PInv | 0.0500 | 1 | lra | 500 (quick) | 10 | 0.0942 | 0.0196 (vPINN †) |');
      expect(row('ks')).to.equal('| ks | KS | 0.500 | 1 | vanilla | 1868 of 4000 (full) | 10 | 1.01 | 0.957 (LRA) |');
      // a stand-in config says so
      expect(row('poisson2d-c')).to.match(
        /^\| poisson2d-c \| Poisson2d-C \| 0\.400 \| 1 \| vanilla \(configs\/poisson-holes\.yaml\) \| 500 \(quick\)/,
      );
      expect(row('burgers1d-c')).to.match(/^\| burgers1d-c \| Burgers1d-C \| not run \|/);
      expect(row('mine')).to.match(/^\| mine \| — \| 0\.700 \|/); // a problem the paper does not have comes last
      expect(t.split('\n').length).to.equal(2 + 22 + 1);
    });

    it('quick table: problem x method, the best of each row in bold, failures named', () => {
      const t = quickTable(aggregate(records)).split('\n').map(squeeze);
      expect(t[0]).to.equal('| problem | vanilla | lra | ntk |');
      expect(t.find((l) => l.startsWith('| pinv |'))).to.equal('| pinv | 0.200 ± 0.100 | **0.0500** | diverged |');
      expect(t.find((l) => l.startsWith('| ks |'))).to.equal('| ks | **0.950** | | |'); // the full run is not a quick one
      // runs of a stand-in config and of the problem's own config stay apart
      expect(t.filter((l) => l.startsWith('| poisson2d-c'))).to.deep.equal([
        '| poisson2d-c (configs/poisson-holes.yaml) | **0.400** | | |',
        '| poisson2d-c | **0.600** | | |',
      ]);
    });

    it('tables are padded to equal widths per column (as the Biome markdown formatter leaves them)', () => {
      const lines = quickTable(aggregate(records)).split('\n');
      for (const l of lines) expect(l.length).to.equal(lines[0].length);
      expect(lines[1]).to.match(/^\| -+ \| -+ \| -+ \| -+ \|$/);
      const cols = lines[0].split(' | ').map((c) => c.length);
      expect(lines[3].split(' | ').map((c) => c.length)).to.deep.equal(cols);
    });

    it('the results page carries both tables and the provenance', () => {
      const md = renderResults(records, { recordsFile: 'r.jsonl', commits: ['abc1234'], machines: ['test machine'] });
      expect(md).to.contain('## Best L2RE per problem').and.contain('## L2RE per method, quick setting (500 steps)');
      expect(md).to.contain('arXiv 2306.08827').and.contain('Commits: abc1234.');
    });
  });

  describe('published numbers', () => {
    const PINNACLE_22 = [
      'burgers1d-c',
      'burgers2d-c',
      'poisson2d-c',
      'poisson2d-cg',
      'poisson3d-cg',
      'poisson2d-ms',
      'heat2d-vc',
      'heat2d-ms',
      'heat2d-cg',
      'heat2d-lt',
      'heatnd',
      'ns2d-c',
      'ns2d-cg',
      'ns2d-lt',
      'wave1d-c',
      'wave2d-cg',
      'wave2d-ms',
      'gs',
      'ks',
      'poissonnd',
      'pinv',
      'hinv',
    ];

    it("cover PINNacle's 22 problems, every method column, and every suite config", () => {
      expect(Object.keys(PUBLISHED).sort()).to.deep.equal([...PINNACLE_22].sort());
      for (const id of PINNACLE_22) {
        expect(PUBLISHED[id].l2re, id).to.have.length(PUBLISHED_METHODS.length);
        expect(publishedVanilla(id), id).to.be.a('number').above(0);
      }
      for (const p of discoverProblems(BENCH, REPO)) expect(Object.keys(PUBLISHED), p.id).to.include(p.id);
    });

    it('best = lowest over the method columns, NaN cells skipped', () => {
      expect(publishedBest('poisson2d-c')).to.deep.equal({ method: 'NTK', l2re: 0.0123 });
      expect(publishedBest('wave1d-c')).to.deep.equal({ method: 'NTK', l2re: 0.0979 }); // LBFGS is NaN there
      expect(publishedBest('gs')).to.deep.equal({ method: 'FBPINN', l2re: 0.0799 });
      expect(publishedBest('nope')).to.equal(null);
    });
  });

  describe('runs', function () {
    this.timeout(240_000);
    before(() => {
      if (!existsSync(join(REPO, 'dist', 'runner', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    });

    it('a real 5-step run of pinv end to end appends a record and writes the table', async () => {
      const records = join(tmp, 'records.jsonl');
      const results = join(tmp, 'results.md');
      const { value } = await quietly(() =>
        main(['--only', 'pinv', '--steps', '5', '--records', records, '--results', results, '--runs-dir', join(tmp, 'runs')]),
      );
      expect(value).to.equal(0);
      const rs = readRecords(records);
      expect(rs).to.have.length(1);
      expect(rs[0]).to.include({
        problem: 'pinv',
        config: 'bench/pinnacle/pinv.yaml',
        method: 'vanilla',
        seed: 0,
        setting: 'custom',
        steps_requested: 5,
        steps: 5,
        status: 'completed',
      });
      expect(rs[0].l2re).to.be.a('number').within(0.01, 100);
      expect(Object.keys(rs[0].l2re_fields ?? {})).to.deep.equal(['u', 'a']);
      expect(rs[0].backend).to.be.oneOf(['wasm', 'gpu', 'js']);
      expect(rs[0].commit).to.match(/^[0-9a-f]{7,}(-dirty)?$|^unknown$/);
      // the digest is of the exact YAML the run trained (written beside its output)
      const trained = readFileSync(join(tmp, 'runs', 'pinv-vanilla-s0-n5.yaml'), 'utf8');
      expect(rs[0].config_sha256).to.equal(createHash('sha256').update(trained).digest('hex').slice(0, 16));
      expect(squeeze(readFileSync(results, 'utf8'))).to.match(/\| pinv \| PInv \| \d\.\d+ \| 1 \| vanilla \| 5 \(custom\) \|/);
    });

    it('a run the CLI rejects is recorded as failed with its error line', async () => {
      const dir = join(tmp, 'bad');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, 'kind: pinn\nname: bad\ngeometry: { type: interval, min: 0, max: 1 }\n');
      const r = await executeRun({ cli: CLI, config: file, outDir: join(dir, 'out'), steps: 5, budgetS: 60 });
      expect(r).to.include({ status: 'failed', exitCode: 2, l2re: null });
      expect(r.message).to.match(/^error: .*pde/);
    });

    it('at the wall-clock budget the run is interrupted and still reports its L2RE at the step reached', async () => {
      const dir = join(tmp, 'budget');
      const file = join(dir, 'pinv.yaml');
      mkdirSync(dir, { recursive: true });
      const src = join(BENCH, 'pinv.yaml');
      writeFileSync(file, configYamlAt(readConfig(src), src, file));
      const r = await executeRun({ cli: CLI, config: file, outDir: join(dir, 'out'), steps: 1_000_000, budgetS: 20 });
      expect(r.status).to.equal('budget');
      expect(r.exitCode).to.equal(130);
      expect(r.steps).to.be.within(1, 999_999);
      expect(r.l2re).to.be.a('number').within(0.001, 100);
    });
  });
});
