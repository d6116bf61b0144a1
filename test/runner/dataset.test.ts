// Operator datasets in-process: the .npz writer round-trips through the reader, shard plans and seeds, a shard equals
// the in-process generator for its seed, `data.type: dataset` configs train from a directory, and bad options and
// bad directories exit 2 naming the option or key.
import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpz, loadReference } from '../../meshes/index.js';
import { main } from '../../runner/cli.js';
import { writeFileAtomic } from '../../runner/fsio.js';
import { writeShard } from '../../runner/datasetGenerate.js';
import { loadDataset } from '../../runner/datasetRead.js';
import { generateSamples, MANIFEST, planDataset, shardSeed, type DatasetOptions } from '../../runner/datasetSpec.js';
import { rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

const OPTS: DatasetOptions = { resolution: 16, nu: 0.1, t_final: 0.1 };

/** A dataset written shard by shard in this process (what each pool child does). */
function makeDataset(dir: string, samples: number, shards: number, seed = 0): void {
  mkdirSync(dir, { recursive: true });
  const m = planDataset('burgers', OPTS, seed, samples, shards);
  writeFileAtomic(join(dir, MANIFEST), JSON.stringify(m));
  for (let i = 0; i < shards; i++) writeShard(dir, i);
}

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const s = sinks();
  const code = await main(args, s.deps);
  return { code, err: s.err.join('') };
}

describe('operator datasets (in-process)', function () {
  this.timeout(300000);
  const dir = tempDir('fluxion-dataset-');

  it('encodeNpz round-trips through the .npz reader (names, shapes, values)', () => {
    const a = Float64Array.from({ length: 6 }, (_, i) => Math.sin(i) * 1e-300 + i);
    const b = Float64Array.from([Math.PI, -0, Number.MAX_VALUE]);
    const file = join(dir, 'rt.npz');
    writeFileSync(file, encodeNpz({ a: { data: a, shape: [2, 3] }, b: { data: b, shape: [3] } }));
    const ref = loadReference(file);
    expect(ref.names).to.deep.equal(['a', 'b']);
    expect(ref.arrays.a.shape).to.deep.equal([2, 3]);
    expect(Array.from(ref.arrays.a.data)).to.deep.equal(Array.from(a));
    expect(Array.from(ref.arrays.b.data)).to.deep.equal(Array.from(b));
  });

  it('a plan splits the samples as evenly as possible, with per-shard seeds that differ', () => {
    const m = planDataset('burgers', OPTS, 7, 10, 4);
    expect(m.shards.map((s) => s.samples)).to.deep.equal([3, 3, 2, 2]);
    expect(new Set(m.shards.map((s) => s.seed)).size).to.equal(4);
    expect(m.shards[2].seed).to.equal(shardSeed(7, 2));
    expect(shardSeed(7, 2)).to.not.equal(shardSeed(8, 2));
  });

  it('each shard holds exactly what the in-process generator makes from its seed', () => {
    const d = join(dir, 'ds');
    makeDataset(d, 12, 4);
    const m = JSON.parse(readFileSync(join(d, MANIFEST), 'utf8')) as ReturnType<typeof planDataset>;
    const all = loadDataset(d, 12, (r) => new Error(r));
    expect(all.gridShape).to.deep.equal([16]);
    let at = 0;
    for (const s of m.shards) {
      const want = generateSamples('burgers', OPTS, s.seed, s.samples);
      expect(Array.from(all.inputs.subarray(at * 16, (at + s.samples) * 16))).to.deep.equal(Array.from(want.inputs));
      expect(Array.from(all.outputs.subarray(at * 16, (at + s.samples) * 16))).to.deep.equal(Array.from(want.outputs));
      at += s.samples;
    }
    expect(Array.from(all.grid)).to.deep.equal(Array.from({ length: 16 }, (_, j) => j / 16));
    // the samples are not all alike (a seed mix-up would repeat them)
    expect(all.inputs[0]).to.not.equal(all.inputs[3 * 16]);
  });

  const config = (data: string, model = 'model: { type: fno, modes: 4, width: 8, depth: 1, projection: 8 }') =>
    [
      'kind: operator',
      'name: op',
      model,
      `data: ${data}`,
      'training: { steps: 3, batch_size: 2, log_every: 1 }',
      'output: { samples: 1 }',
    ].join('\n');

  it('an operator config trains a few steps from a dataset directory (path relative to the config)', async () => {
    const cfgDir = join(dir, 'cfg');
    mkdirSync(cfgDir, { recursive: true });
    const file = writeConfig(cfgDir, config('{ type: dataset, path: ../ds, train: 8, test: 4 }'), 'op.yaml');
    const r = await cli(['run', file, '--out', join(dir, 'run'), '--quiet']);
    expect(r.code, r.err).to.equal(0);
    const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8')) as { steps: number; l2re?: number };
    expect(summary.steps).to.equal(3);
    expect(summary.l2re).to.be.a('number').and.to.be.greaterThan(0);
  });

  it('a missing directory, a directory without manifest, too few samples and too many modes exit 2 naming the key', async () => {
    const d = join(dir, 'bad');
    mkdirSync(join(d, 'empty'), { recursive: true });
    writeConfig(d, '', 'placeholder.yaml');
    expect(await rejectedAt(d, config('{ type: dataset, path: nowhere, train: 8, test: 4 }'), 'data.path')).to.match(/does not exist/);
    expect(await rejectedAt(d, config('{ type: dataset, path: empty, train: 8, test: 4 }'), 'data.path')).to.match(/no manifest\.json/);
    expect(await rejectedAt(d, config('{ type: dataset, path: ../ds, train: 10, test: 4 }'), 'data.train')).to.match(/exceed the 12/);
    const wide = 'model: { type: fno, modes: 12, width: 8, depth: 1, projection: 8 }';
    expect(await rejectedAt(d, config('{ type: dataset, path: ../ds, train: 8, test: 4 }', wide), 'model.modes')).to.match(/at most/);
    expect(await rejectedAt(d, config('{ type: dataset, train: 8, test: 4 }'), 'data.path')).to.be.a('string');
  });

  it('a missing shard is an error naming data.path, not silently fewer samples', async () => {
    const d = join(dir, 'holey');
    makeDataset(d, 4, 2);
    rmSync(join(d, 'shard-00001.npz'));
    writeConfig(d, '', 'placeholder.yaml');
    const file = writeConfig(d, config('{ type: dataset, path: ., train: 2, test: 2 }'), 'op.yaml');
    const r = await cli(['run', file, '--out', join(d, 'run'), '--quiet']);
    expect(r.code, r.err).to.equal(2);
    expect(r.err).to.match(/data\.path: shard 'shard-00001\.npz' .* is missing/);
  });

  it('bad data generate options exit 2 naming the option', async () => {
    const cases: [string[], RegExp][] = [
      [['heat', '--samples', '4'], /<kind>: expected one of burgers, darcy, antiderivative/],
      [['burgers'], /--samples: required/],
      [['burgers', '--samples', '0'], /--samples: expected an integer >= 1/],
      [['burgers', '--samples', '4', '--shards', '5'], /--shards: at most --samples/],
      [['burgers', '--samples', '4', '--resolution', '3'], /--resolution: expected an integer >= 4/],
      [['burgers', '--samples', '4', '--nu', '-1'], /--nu: expected a positive number/],
      [['burgers', '--samples', '4', '--resolution', '16', '--solver-resolution', '24'], /--solver-resolution: expected a multiple/],
      [['darcy', '--samples', '4', '--nu', '0.1'], /--nu: not an option of darcy/],
      [['burgers', '--samples', '4', '--workers', 'x'], /--workers: expected a positive integer/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(['data', 'generate', ...args, '--out', join(dir, 'never')]);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.err, args.join(' ')).to.match(re);
    }
  });

  it('generating into a directory of another dataset exits 2 naming --out', async () => {
    const r = await cli([
      'data',
      'generate',
      'burgers',
      '--samples',
      '12',
      '--shards',
      '3',
      '--resolution',
      '16',
      '--out',
      join(dir, 'ds'),
    ]);
    expect(r.code, r.err).to.equal(2);
    expect(r.err).to.match(/--out: .* holds another dataset/);
  });
});
