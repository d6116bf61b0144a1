// Errors name the op, the shapes and the user's call site, never a location deep inside the core.
import { expect } from 'chai';
import * as fx from '../../index.js';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('clear errors', () => {
  it('shape mismatch in matmul names the op, both shapes and this file as call site', () => {
    const msg = messageOf(() => fx.matmul(fx.zeros([3, 4]), fx.zeros([5, 2])));
    expect(msg).to.match(/^matmul: /);
    expect(msg).to.contain('[3,4]').and.contain('[5,2]');
    expect(msg).to.match(/test\/core\/errors\.test\.ts:\d+:\d+/);
  });

  it('shape mismatch inside a traced function points at the user line, not the tracer', () => {
    const f = (x: fx.Tensor) => fx.add(x, fx.zeros([3]));
    const msg = messageOf(() => fx.grad((x: fx.Tensor) => fx.sum(f(x)))(fx.zeros([2])));
    expect(msg).to.match(/^add: shapes \[2\] and \[3\]/);
    expect(msg).to.match(/errors\.test\.ts:\d+/);
    expect(msg).not.to.match(/core\/(trace|ops)\.ts/);
  });

  it('grad of a non-scalar function, reading a tracer, and an escaped tracer are explained', () => {
    expect(messageOf(() => fx.grad((x: fx.Tensor) => x)(fx.zeros([2])))).to.contain('must return a scalar, got shape [2]');
    expect(messageOf(() => fx.grad((x: fx.Tensor) => fx.tensor([x.dataSync()[0]]).sum())(fx.zeros([1])))).to.contain(
      'cannot read the values of a traced tensor',
    );
    let leaked: fx.Tensor | undefined;
    fx.grad((x: fx.Tensor) => {
      leaked = fx.mul(x, 2);
      return fx.sum(x);
    })(fx.ones([2]));
    expect(messageOf(() => fx.add(leaked as fx.Tensor, 1))).to.contain('used after its transformation finished');
  });

  it('bad arguments to tensor(), reshape, axes, gather indices and derivative() name the value', () => {
    expect(messageOf(() => fx.tensor([1, 2, 3], [2, 2]))).to.contain('3 values do not fill shape [2,2]');
    expect(messageOf(() => fx.reshape(fx.zeros([2, 3]), [4, 2]))).to.contain('cannot reshape [2,3]');
    expect(messageOf(() => fx.sum(fx.zeros([2, 3]), 2))).to.contain('axis 2 is out of range for rank 2');
    expect(messageOf(() => fx.gather(fx.zeros([2, 3]), [0, 3], 1))).to.contain('index 3 is out of range [0, 3)');
    expect(messageOf(() => fx.scatterAdd(fx.zeros([3]), [0, 5], fx.ones([2])))).to.contain('scatterAdd: index 5 is out of range [0, 3)');
    expect(messageOf(() => fx.scatterAdd(fx.zeros([2, 3]), [-1], fx.ones([2, 1]), 1))).to.contain('index -1 is out of range [0, 3)');
    expect(messageOf(() => fx.derivative((x) => x, fx.zeros([4, 2]), [1]))).to.contain('must hold 2 non-negative integers');
    expect(messageOf(() => fx.setBackend('tpu' as fx.BackendName))).to.contain("backend 'tpu' is not available; available: js");
    expect(messageOf(() => fx.nn.mlp({ layers: [2] }))).to.contain('at least two positive integer widths');
  });
});

describe('random and init', () => {
  it('draws are reproducible from the key and have the right moments', () => {
    const a = Array.from(fx.random.normal(42, [20000], 'f64').dataSync());
    expect(Array.from(fx.random.normal(42, [20000], 'f64').dataSync())).to.deep.equal(a);
    expect(fx.random.normal(43, [4], 'f64').dataSync()[0]).not.to.equal(a[0]);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).to.be.below(4 / Math.sqrt(a.length));
    expect(variance).to.be.closeTo(1, 0.05);
    const u = Array.from(fx.random.uniform(1, [20000], 'f64').dataSync());
    expect(Math.min(...u)).to.be.above(0);
    expect(Math.max(...u)).to.be.below(1);
    expect(u.reduce((s, v) => s + v, 0) / u.length).to.be.closeTo(0.5, 0.01);
    const r = Array.from(fx.random.rademacher(2, [10000]).dataSync());
    expect(new Set(r)).to.deep.equal(new Set([-1, 1]));
    expect(Math.abs(r.reduce((s, v) => s + v, 0))).to.be.below(400);
  });

  it('mlp uses seeded Glorot-normal weights (std sqrt(2/(fan_in+fan_out))) and zero biases', () => {
    const a = fx.nn.mlp({ layers: [100, 300, 1], seed: 7 });
    const b = fx.nn.mlp({ layers: [100, 300, 1], seed: 7 });
    expect(Array.from(a.params[0].W.dataSync())).to.deep.equal(Array.from(b.params[0].W.dataSync()));
    const w = Array.from(a.params[0].W.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).to.be.closeTo(Math.sqrt(2 / 400), 0.003);
    expect(a.params[1].b.toArray()).to.deep.equal([0]);
    expect(a.apply(a.params, fx.zeros([5, 100])).shape).to.deep.equal([5, 1]);
  });
});

describe('clear errors: the call site is the user frame however the library is installed', () => {
  const frames = (...files: string[]) => ['Error', ...files.map((f, i) => `    at fn${i} (${f}:${10 + i}:${5 + i})`)].join('\n');

  it('run from dist/ with source maps: frames of dist/ and of the mapped .ts sources are both skipped', async () => {
    const { libraryFolders, userCallSite } = await import('../../core/errors.js');
    const folders = libraryFolders('/opt/app/node_modules/fluxion/dist/core');
    const stack = frames(
      '/opt/app/node_modules/fluxion/dist/core/ops.js',
      '/opt/app/node_modules/fluxion/core/trace.ts',
      '/opt/app/node_modules/fluxion/pinn/context.ts',
      '/opt/app/src/model.ts',
    );
    // node_modules frames are skipped anyway; the same layout outside node_modules (a linked checkout):
    const linked = libraryFolders('/opt/linked/fluxion/dist/core');
    const local = frames(
      '/opt/linked/fluxion/dist/core/ops.js',
      '/opt/linked/fluxion/core/trace.ts',
      '/opt/linked/fluxion/pinn/context.ts',
      '/opt/linked/fluxion/index.ts',
      '/opt/linked/app/model.ts',
    );
    expect(userCallSite(stack, folders)).to.match(/src\/model\.ts:13:8$/);
    expect(userCallSite(local, linked)).to.match(/app\/model\.ts:14:9$/);
  });

  it('a symlinked library: frames through the link resolve to the library and are skipped', async () => {
    const { mkdtempSync, symlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join, resolve } = await import('node:path');
    const { libraryFolders, userCallSite } = await import('../../core/errors.js');
    const link = join(mkdtempSync(join(tmpdir(), 'fluxion-link-')), 'fluxion');
    const repo = resolve('.');
    symlinkSync(repo, link);
    const stack = frames(join(link, 'core', 'ops.ts'), join(link, 'pinn', 'context.ts'), join(repo, 'test', 'core', 'errors.test.ts'));
    expect(userCallSite(stack, libraryFolders(join(repo, 'core')))).to.match(/test\/core\/errors\.test\.ts:12:7$/);
  });
});
