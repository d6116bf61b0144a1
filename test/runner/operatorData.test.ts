// `fluxion validate` reads an operator's `data.type: file` dataset: existence, format, array names and shapes.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { encodeNpy } from '../../meshes/data/npy.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const config = (file: string, names = 'inputs: arr_0, outputs: arr_0') =>
  [
    'kind: operator',
    'name: op',
    'model: { type: fno, modes: 4, width: 8, depth: 1, projection: 8 }',
    `data: { type: file, file: ${file}, ${names} }`,
    'training: { steps: 2, batch_size: 2 }',
  ].join('\n');

async function validate(dir: string, yaml: string): Promise<{ code: number; err: string }> {
  const s = sinks();
  const code = await main(['validate', writeConfig(dir, yaml, 'op.yaml')], s.deps);
  return { code, err: s.err.join('') };
}

describe('runner: operator data files are checked by validate', () => {
  const dir = tempDir('fluxion-opdata-');
  writeFileSync(
    join(dir, 'good.npy'),
    encodeNpy(
      new Float64Array(10 * 16).map((_, i) => Math.sin(i)),
      [10, 16],
    ),
  );
  writeFileSync(join(dir, 'flat.npy'), encodeNpy(new Float64Array(16), [16]));

  it('a readable file with [count, n] arrays validates', async () => {
    expect((await validate(dir, config('good.npy'))).code).to.equal(0);
  });

  it('a missing file exits 2 naming data.file', async () => {
    const r = await validate(dir, config('missing.npy'));
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/data\.file: .*missing\.npy/);
  });

  it('an array name the file lacks exits 2 naming the key and the available arrays', async () => {
    const r = await validate(dir, config('good.npy', 'inputs: a, outputs: u'));
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/data\.inputs: 'good\.npy' has no array 'a'; available: arr_0/);
  });

  it('a 1-D array exits 2 with the expected shape', async () => {
    const r = await validate(dir, config('flat.npy'));
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/data\.inputs: expected an array shaped \[count, n\]/);
  });
});
