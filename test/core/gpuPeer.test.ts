// gpu.js is an optional peer dependency: a library user without it gets a message saying what to install, and
// the package manifest declares it so (peer, optional; a dev dependency for this repository's own tests).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGpuJs } from '../../core/backend/gpuNode.js';

describe('gpu backend: gpu.js as an optional peer dependency', () => {
  it("without gpu.js, setBackend('gpu') says what to install", () => {
    const missing = (id: string): never => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => loadGpuJs(missing)).to.throw(
      /setBackend\('gpu'\): .*gpu\.js, which is not installed \(Cannot find module 'gpu\.js'\).*npm install gpu\.js@\^2/,
    );
  });

  it('with gpu.js installed (this repository), it loads the GPU class', () => {
    expect(loadGpuJs()).to.be.a('function');
  });

  it('package.json: an optional peer dependency and a dev dependency, not a dependency', () => {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(pkg.peerDependencies).to.have.property('gpu.js');
    expect(pkg.peerDependenciesMeta['gpu.js']).to.deep.equal({ optional: true });
    expect(pkg.devDependencies).to.have.property('gpu.js');
    expect(pkg.dependencies).to.not.have.property('gpu.js');
  });
});
