// The closure evaluator of numeric expressions agrees with mathjs' evaluate (including its tolerant
// comparisons) and leaves what it does not support to mathjs.
import { expect } from 'chai';
// evaluate from the ES-module build of mathjs: an oracle independent of the library's instance (pinn/mathjs.ts)
import { evaluate } from 'mathjs';
import { parse } from '../../pinn/mathjs.js';
import { pointFunction } from '../../pinn/numeric.js';
import { compileNumeric } from '../../pinn/expr.js';
import { NUMERIC_FUNCTIONS } from '../../pinn/branches.js';
import { mulberry32 } from '../../meshes/index.js';

const coords = ['x', 'y', 't'];
const constants = { nu: 0.01, a: 2, pi: Math.PI, e: Math.E };
const cases = [
  'sin(pi*x)*exp(-nu*t) + y^2 - 3/a',
  'abs(x) > 0.4999 or abs(y) > 0.4999',
  'abs(x) < 0.4999 and abs(y) < 0.4999',
  'x == -1',
  'x != 0.25',
  'x <= y',
  'x >= y',
  'not (x < 0)',
  'x < 0 xor y < 0',
  '(y < 0.5 ? 64 : 100) * x',
  'heaviside(x)',
  'heaviside(x, 1)',
  'piecewise(x < 0, -1, x < 0.5, 0, 1)',
  'min(x, y, t)',
  'max(x, 0)',
  'sign(x - y)',
  'atan2(y, x)',
  'sqrt(x^2 + y^2) - 0.1',
  'log(1 + x^2)',
  '-x + +y',
  'tanh(2x)',
];

describe('pinn: numeric closures (pointFunction)', () => {
  const rand = mulberry32(7);
  // random points, plus points on the planes the selectors test (x = -1, +-0.4999 boundary values, x = y)
  const points: number[][] = Array.from({ length: 200 }, () => [2 * rand() - 1, 2 * rand() - 1, rand()]);
  points.push([-1, 0.3, 0], [-1 + 1e-14, 0.2, 0.5], [0.4999, 0.1, 0], [0.25, 0.25, 1], [0.3, 0.3 * (1 + 1e-13), 0], [0, 0, 0]);

  for (const src of cases) {
    it(`${src}: same values as mathjs evaluate at every point`, () => {
      const f = pointFunction(parse(src), coords, constants);
      expect(f, 'supported').to.not.equal(null);
      for (const p of points) {
        const ref = evaluate(src, { ...NUMERIC_FUNCTIONS, ...constants, x: p[0], y: p[1], t: p[2] }) as number | boolean;
        expect(f!(p), `${src} at ${p}`).to.equal(Number(ref));
      }
    });
  }

  it('tolerant comparisons as mathjs: values 1e-14 apart are equal, not smaller', () => {
    const eq = pointFunction(parse('x == -1'), coords, {})!;
    const lt = pointFunction(parse('x < -1'), coords, {})!;
    expect(eq([-1 - 1e-14, 0, 0])).to.equal(1);
    expect(lt([-1 - 1e-14, 0, 0])).to.equal(0);
    expect(lt([-1 - 1e-9, 0, 0])).to.equal(1);
  });

  it('unsupported nodes and unknown symbols return null; compileNumeric then keeps mathjs (and its errors)', () => {
    expect(pointFunction(parse('0 < x < 1'), coords, {})).to.equal(null); // chained comparison
    expect(pointFunction(parse('[x, y]'), coords, {})).to.equal(null);
    expect(pointFunction(parse('w * x'), coords, {})).to.equal(null);
    expect(compileNumeric('(0 < x < 1) ? 2 : 3', coords, {})([0.5, 0, 0])).to.equal(2);
    expect(pointFunction(parse('(0 < x < 1) ? 2 : 3'), coords, {})).to.equal(null);
    expect(() => compileNumeric('w * x', coords, {})([0.5, 0, 0])).to.throw(/w/);
  });
});
