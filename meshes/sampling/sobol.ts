// Sobol sequence (Gray-code order, as in Joe-Kuo's reference generator and SciPy unscrambled).
import { JOE_KUO_ROWS, SOBOL_MAX_DIM } from './sobolDirections.js';

const BITS = 32;

/** 32 direction integers per dimension, V[j][k] = m_k << (32 - k). */
function directionTable(dim: number): Uint32Array[] {
  const table: Uint32Array[] = [];
  const first = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) first[k] = (1 << (BITS - 1 - k)) >>> 0;
  table.push(first);
  for (let j = 1; j < dim; j++) {
    const row = JOE_KUO_ROWS[j - 1];
    const s = row[0];
    const a = row[1];
    const v = new Uint32Array(BITS);
    for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (row[2 + k] << (BITS - 1 - k)) >>> 0;
    for (let k = s; k < BITS; k++) {
      let x = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
      for (let l = 1; l < s; l++) {
        if ((a >>> (s - 1 - l)) & 1) x = (x ^ v[k - l]) >>> 0;
      }
      v[k] = x;
    }
    table.push(v);
  }
  return table;
}

/** Streaming Sobol generator; `skip` drops the leading points (index 0 is the origin). */
export class SobolSequence {
  private readonly v: Uint32Array[];
  private readonly state: Uint32Array;
  private index = 0;

  constructor(
    readonly dim: number,
    skip = 0,
  ) {
    if (!Number.isInteger(dim) || dim < 1 || dim > SOBOL_MAX_DIM) {
      throw new Error(`sobol dim: expected an integer in 1..${SOBOL_MAX_DIM}, got ${dim}`);
    }
    this.v = directionTable(dim);
    this.state = new Uint32Array(dim);
    for (let i = 0; i < skip; i++) this.advance();
  }

  private advance(): void {
    // Gray code: point i+1 differs from point i by the direction of the lowest zero bit of i.
    let c = 0;
    let i = this.index;
    while (i & 1) {
      i >>>= 1;
      c++;
    }
    if (c >= BITS) throw new Error('sobol: exhausted 2^32 points');
    for (let j = 0; j < this.dim; j++) this.state[j] = (this.state[j] ^ this.v[j][c]) >>> 0;
    this.index++;
  }

  next(n: number): Float64Array {
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < this.dim; j++) out[i * this.dim + j] = this.state[j] / 4294967296;
      this.advance();
    }
    return out;
  }
}

export function sobolPoints(n: number, dim: number, skip = 0): Float64Array {
  return new SobolSequence(dim, skip).next(n);
}
