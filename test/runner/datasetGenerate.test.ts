// `fluxion data generate` end to end on the local pool (real child processes): 12 samples in 4 shards give the same
// bytes on 1 and on 2 workers, and a generation stopped after its first shard (the running children get SIGINT and die
// mid-shard) resumes, skips the finished shards, and ends with the same bytes as an uninterrupted one.
import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { generateDataset, parseDatasetRequest } from '../../runner/datasetGenerate.js';
import { generateSamples, MANIFEST, type DatasetManifest } from '../../runner/datasetSpec.js';
import { loadDataset } from '../../runner/datasetRead.js';
import { sinks, tempDir } from './helpers.js';

const ARGS = ['burgers', '--samples', '12', '--shards', '4', '--resolution', '16', '--t-final', '0.1', '--seed', '3'];

/** Every file of a dataset directory but the log and lock, with its bytes. */
const filesOf = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f === MANIFEST || f.endsWith('.npz'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]),
  );

async function generate(out: string, workers: number): Promise<{ code: number; log: string }> {
  const s = sinks();
  const code = await main(['data', 'generate', ...ARGS, '--out', out, '--workers', String(workers)], s.deps);
  return { code, log: s.err.join('') };
}

describe('fluxion data generate: local pool', function () {
  this.timeout(900000);
  const dir = tempDir('fluxion-datagen-');
  const one = join(dir, 'one');

  before(async () => {
    const r = await generate(one, 1);
    expect(r.code, r.log).to.equal(0);
  });

  it('writes 4 shards and a manifest with their checksums; the samples are those of the in-process generator', () => {
    const m = JSON.parse(readFileSync(join(one, MANIFEST), 'utf8')) as DatasetManifest;
    expect(m.shards.map((s) => s.samples)).to.deep.equal([3, 3, 3, 3]);
    expect(m.shards.every((s) => typeof s.sha256 === 'string')).to.equal(true);
    const all = loadDataset(one, 12, (r) => new Error(r));
    const { options } = parseDatasetRequest('burgers', { samples: '12', resolution: '16', tFinal: '0.1' });
    m.shards.forEach((s, i) => {
      const want = generateSamples('burgers', options, s.seed, s.samples);
      expect(Array.from(all.outputs.subarray(i * 48, (i + 1) * 48))).to.deep.equal(Array.from(want.outputs));
    });
  });

  it('2 workers write the same bytes as 1', async () => {
    const two = join(dir, 'two');
    const r = await generate(two, 2);
    expect(r.code, r.log).to.equal(0);
    expect(r.log).to.match(/4 of 4 shards written/);
    expect(filesOf(two)).to.deep.equal(filesOf(one));
  });

  it('a generation stopped after its first shard resumes and ends with the same bytes', async () => {
    const cut = join(dir, 'cut');
    const stop = new AbortController();
    const lines: string[] = [];
    const req = parseDatasetRequest('burgers', { samples: '12', shards: '4', resolution: '16', tFinal: '0.1', seed: '3' });
    const r = await generateDataset({
      ...req,
      outDir: cut,
      workers: 2,
      stop: stop.signal,
      log: (line) => {
        lines.push(line);
        if (/\] shard-\d+\.npz: written/.test(line)) stop.abort();
      },
    });
    expect(r.exitCode, lines.join('\n')).to.equal(130);
    const written = r.manifest.shards.filter((s) => s.sha256 !== undefined).length;
    expect(written, lines.join('\n')).to.be.within(1, 3);
    const again = await generate(cut, 1);
    expect(again.code, again.log).to.equal(0);
    expect(again.log).to.include(`(${written} finished, ${4 - written} to make)`);
    expect(filesOf(cut)).to.deep.equal(filesOf(one));
  });
});

describe('fluxion data generate: darcy and antiderivative end to end', function () {
  this.timeout(600000);
  const cases = [
    { kind: 'darcy', resolution: 9, grid: [9, 9], model: '{ type: fno, modes: 3, width: 4, depth: 1, projection: 4 }' },
    { kind: 'antiderivative', resolution: 12, grid: [12], model: '{ type: deeponet, branch: [8], trunk: [8], basis: 8 }' },
  ] as const;
  for (const c of cases)
    it(`${c.kind}: 6 samples in 2 shards on the pool equal the in-process generator; an operator config trains from them`, async () => {
      const dir = tempDir(`fluxion-${c.kind}-`);
      const out = join(dir, 'ds');
      const args = [c.kind, '--samples', '6', '--shards', '2', '--resolution', String(c.resolution), '--seed', '4'];
      const s = sinks();
      expect(await main(['data', 'generate', ...args, '--workers', '1', '--out', out], s.deps), s.err.join('')).to.equal(0);
      const m = JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')) as DatasetManifest;
      expect(m.shapes).to.deep.equal({ inputs: [6, ...c.grid], outputs: [6, ...c.grid], grid: [c.resolution] });
      const all = loadDataset(out, 6, (r) => new Error(r));
      const per = 3 * c.grid.reduce((a, b) => a * b, 1);
      m.shards.forEach((sh, i) => {
        const want = generateSamples(c.kind, { resolution: c.resolution }, sh.seed, sh.samples);
        expect(Array.from(all.inputs.subarray(i * per, (i + 1) * per))).to.deep.equal(Array.from(want.inputs));
        expect(Array.from(all.outputs.subarray(i * per, (i + 1) * per))).to.deep.equal(Array.from(want.outputs));
      });
      const cfg = [
        'kind: operator',
        `name: ${c.kind}-ds`,
        `model: ${c.model}`,
        'data: { type: dataset, path: ds, train: 4, test: 2 }',
        'training: { steps: 2, batch_size: 2, log_every: 1 }',
        'output: { samples: 1 }',
      ].join('\n');
      const file = join(dir, 'op.yaml');
      writeFileSync(file, cfg);
      const r = sinks();
      expect(await main(['run', file, '--out', join(dir, 'run'), '--quiet'], r.deps), r.err.join('')).to.equal(0);
      const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8')) as { steps: number; l2re?: number };
      expect(summary.steps).to.equal(2);
      expect(summary.l2re).to.be.a('number').and.to.be.greaterThan(0);
    });
});
