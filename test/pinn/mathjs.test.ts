// The library's mathjs instance (pinn/mathjs.ts, mathjs' single-file build) against the ES-module build that
// `import 'mathjs'` gives: the same version, every function and node class, the same parse trees, values and
// symbolic derivatives.
import { expect } from 'chai';
import * as esm from 'mathjs';
import { derivative, math, parse } from '../../pinn/mathjs.js';

describe('pinn/mathjs: the lazily built instance', () => {
  it('is the same mathjs version with every function of the ES-module build', () => {
    expect(math.version).to.equal(esm.version);
    const functions = Object.keys(esm).filter(
      (k) => typeof (esm as unknown as Record<string, unknown>)[k] === 'function' && !/^create|Dependencies$/.test(k),
    );
    expect(functions.length).to.be.greaterThan(300);
    const missing = functions.filter((k) => typeof (math as unknown as Record<string, unknown>)[k] !== 'function');
    expect(missing).to.deep.equal([]);
  });

  it('parses, evaluates and differentiates as the ES-module build does', () => {
    const exprs = ['2*pi^2*sin(pi*x)*sin(pi*y)', 'exp(-x^2/0.1) * cos(3*y) + x > 0.5 ? 1 : 0', 'sqrt(x^2 + y^2) - log(1 + x)'];
    for (const src of exprs) {
      const ours = parse(src);
      const theirs = esm.parse(src);
      expect(ours.toString(), src).to.equal(theirs.toString());
      const scope = { x: 0.3, y: -0.7 };
      expect(ours.compile().evaluate(scope), src).to.equal(theirs.compile().evaluate(scope));
    }
    const d = derivative(parse('x^3 * sin(y*x)'), 'x', { simplify: false });
    expect(d.toString()).to.equal(esm.derivative(esm.parse('x^3 * sin(y*x)'), 'x', { simplify: false }).toString());
  });
});
