// Choosing the webgpu backend for a run: in Node here (the `webgpu` package is a placeholder, no adapter) the run
// exits 2 with one line saying what is missing, before any output is written; with an injected adapter the
// message says the trainers do not run on webgpu yet, and `auto` stays on the synchronous default.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { applyBackend, nodeWebGpu } from '../../runner/backendChoice.js';
import { ConfigError } from '../../runner/errors.js';
import { getBackend } from '../../core/index.js';
import type { WgGpu } from '../../core/backend/webgpu/index.js';
import { pinnYaml, quadraticFactory, sinks, tempDir, writeConfig } from './helpers.js';

/** The message of what `p` rejects with (and that it is a ConfigError). */
async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('runner: backend webgpu', () => {
  it('--backend webgpu and backend: webgpu exit 2 naming what Node lacks here, writing nothing', async () => {
    const dir = tempDir();
    for (const [cfg, extra] of [
      [writeConfig(dir, pinnYaml()), ['--backend', 'webgpu']],
      [writeConfig(dir, pinnYaml(['backend: webgpu'])), []],
    ] as const) {
      const s = sinks();
      const out = join(dir, `out${extra.length}`);
      const code = await main(['run', cfg, '--out', out, '--quiet', ...extra], { ...s.deps, trainerFactory: quadraticFactory() });
      const err = s.err.join('');
      expect(code, err).to.equal(2);
      expect(err).to.match(/^error: backend: webgpu: Node has no WebGPU here: the 'webgpu' package .* is not installed/);
      expect(err).to.contain('use backend: wasm (or auto)');
      expect(err).not.to.match(/\n\s+at /);
      expect(existsSync(out)).to.equal(false);
    }
  });

  it('the webgpu package missing, a placeholder, or without an adapter: each says so', async () => {
    expect(await nodeWebGpu(() => Promise.reject(new Error('Cannot find package'))).catch((e: Error) => e.message)).to.match(
      /^Node has no WebGPU here: the 'webgpu' package \(Dawn's Node bindings, npm install webgpu\) is not installed$/,
    );
    expect(await nodeWebGpu(() => Promise.resolve({ default: {} })).catch((e: Error) => e.message)).to.match(
      /placeholder without create\(\)/,
    );
    const noAdapter: WgGpu = { requestAdapter: async () => null };
    expect(await rejection(applyBackend('webgpu', async () => noAdapter))).to.equal(
      'backend: webgpu: WebGPU is present but requestAdapter() found no adapter (no usable GPU or driver); use backend: wasm (or auto)',
    );
  });

  it('with an adapter, the run is refused because the trainers do not run on webgpu yet; auto keeps the backend', async () => {
    let destroyed = false;
    const adapter = {
      limits: { maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28 },
      features: new Set<string>(),
      info: { vendor: 'nvidia', architecture: 'hopper', description: '' },
      requestDevice: async () => ({ destroy: () => void (destroyed = true) }),
    };
    const gpu = { requestAdapter: async () => adapter } as unknown as WgGpu;
    expect(await rejection(applyBackend('webgpu', async () => gpu))).to.match(
      /^backend: webgpu: found the adapter 'nvidia hopper', but the trainers do not run on webgpu yet/,
    );
    expect(destroyed).to.equal(true);
    const before = getBackend();
    await applyBackend('auto');
    expect(getBackend()).to.equal(before);
  });
});
