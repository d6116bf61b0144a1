// The benchmark plumbing: which PyTorch configurations are tried and how each is selected, and when a
// benchmark script may touch its tracked results file.
import { expect } from 'chai';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configLabel, fastest, torchConfigs, torchEnv, type TorchResult } from '../../bench/torchConfigs.js';
import { resultsFile } from '../../bench/results.js';

const LIB = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;

describe('bench: PyTorch configurations', () => {
  it('tries reference BLAS and OpenBLAS, glibc malloc and tcmalloc, 1 and 2 ATen threads', () => {
    const labels = torchConfigs().map(configLabel);
    expect(labels).to.have.length(8);
    expect(new Set(labels).size).to.equal(8);
    expect(labels).to.include('openblas BLAS, tcmalloc malloc, 1 ATen thread');
    expect(labels).to.include('reference BLAS, glibc malloc, 2 ATen threads');
  });

  it('selects OpenBLAS by LD_LIBRARY_PATH with OPENBLAS_NUM_THREADS=1 and tcmalloc by LD_PRELOAD (or says what to install)', () => {
    const base = { PATH: '/usr/bin', LD_PRELOAD: 'libfoo.so' };
    const fast = torchEnv({ blas: 'openblas', malloc: 'tcmalloc', threads: 2 }, base);
    if (typeof fast === 'string') {
      expect(fast).to.match(/^not installed: .*apt-get install /);
    } else {
      expect(fast.LD_LIBRARY_PATH).to.equal(`${LIB}/openblas-pthread`);
      expect(fast.LD_PRELOAD).to.equal(`${LIB}/libtcmalloc_minimal.so.4`);
      expect(fast.OPENBLAS_NUM_THREADS).to.equal('1');
      expect(fast.OMP_NUM_THREADS).to.equal('2');
    }
    const plain = torchEnv({ blas: 'reference', malloc: 'glibc', threads: 1 }, base);
    if (typeof plain === 'string') {
      expect(plain).to.match(/^not installed: .*apt-get install libblas3 liblapack3/);
    } else {
      expect(plain.LD_LIBRARY_PATH).to.equal(`${LIB}/blas:${LIB}/lapack`);
      expect(plain).to.not.have.property('LD_PRELOAD'); // glibc malloc: an inherited preload is dropped
      expect(plain).to.not.have.property('OPENBLAS_NUM_THREADS');
      expect(plain.OMP_NUM_THREADS).to.equal('1');
    }
  });

  it('the fastest configuration is the one with the least time that ran', () => {
    const [a, b, c] = torchConfigs();
    const runs: TorchResult[] = [
      { config: a, label: configLabel(a), ms: 90 },
      { config: b, label: configLabel(b), ms: null, note: 'failed' },
      { config: c, label: configLabel(c), ms: 40 },
    ];
    expect(fastest(runs)?.label).to.equal(configLabel(c));
    expect(fastest([runs[1]])).to.equal(null);
  });
});

describe('bench: results files', () => {
  it('a script writes its tracked results file only with --write, else to BENCH_RESULTS_DIR or nowhere', () => {
    const tracked = fileURLToPath(new URL('../../bench/results-gemm.json', import.meta.url));
    expect(resultsFile('gemm', ['node', 'gemm.ts', '--write'], {})).to.equal(tracked);
    expect(resultsFile('gemm', ['node', 'gemm.ts', '--quick'], { BENCH_RESULTS_DIR: '/tmp/x' })).to.equal(
      join('/tmp/x', 'results-gemm.json'),
    );
    expect(resultsFile('gemm', ['node', 'gemm.ts'], {})).to.equal(null);
  });
});
