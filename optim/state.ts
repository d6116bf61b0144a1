// Helpers to write optimizer state as plain JSON and read it back with validation. f64 values
// survive JSON exactly (shortest round-trip printing), so a resumed run continues bit-for-bit.
import type { JsonValue, OptimState, Vec } from './types.js';

export function vecToJson(v: Vec | null): number[] | null {
  return v === null ? null : Array.from(v);
}

/** A list of vectors (per-loss moments) as JSON arrays. */
export function vecsToJson(vs: readonly Vec[]): number[][] {
  return vs.map((v) => Array.from(v));
}

export function expectKind(s: OptimState, kind: string): void {
  if (s === null || typeof s !== 'object' || s.kind !== kind) {
    throw new Error(`optimizer state: expected kind '${kind}', got ${JSON.stringify(s?.kind)}`);
  }
}

export function readNumber(s: OptimState, key: string): number {
  const v = s[key];
  if (typeof v !== 'number') throw new Error(`optimizer state.${key}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

export function readNumbers(s: OptimState, key: string): number[] {
  const v = s[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new Error(`optimizer state.${key}: expected an array of numbers`);
  }
  return v as number[];
}

function toF64(v: JsonValue, where: string): Float64Array {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new Error(`optimizer state.${where}: expected an array of numbers`);
  }
  return Float64Array.from(v as number[]);
}

export function readVec(s: OptimState, key: string): Float64Array | null {
  const v = s[key];
  return v === null || v === undefined ? null : toF64(v, key);
}

export function readVecs(s: OptimState, key: string): Float64Array[] {
  const v = s[key];
  if (!Array.isArray(v)) throw new Error(`optimizer state.${key}: expected an array of vectors`);
  return v.map((x, i) => toF64(x, `${key}[${i}]`));
}

export function readSub(s: OptimState, key: string): OptimState {
  const v = s[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof v.kind !== 'string') {
    throw new Error(`optimizer state.${key}: expected a nested optimizer state`);
  }
  return v as OptimState;
}

/** Checks that every gradient matches the parameter vector's length. */
export function checkShapes(params: Vec, grads: readonly Vec[], what: string): void {
  for (let i = 0; i < grads.length; i++) {
    if (grads[i].length !== params.length) {
      throw new Error(`${what}[${i}]: expected length ${params.length} (the parameter count), got ${grads[i].length}`);
    }
  }
}
