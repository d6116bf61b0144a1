// Seeded config mutations for the validation fuzzer (test/runner/fuzz.test.ts, bench/fuzz.ts): every example
// config, with keys deleted, duplicated or retyped, numbers replaced by NaN/Inf/huge/negative values, strings by
// random symbols and expressions, or its YAML text broken. The allowed outcomes of `fluxion validate` are exit 0
// or 2 with a message, never exit 1, a stack trace or a hang.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { main } from '../../runner/cli.js';

export const CONFIGS = join(process.cwd(), 'configs');
export const exampleConfigs = (): string[] =>
  readdirSync(CONFIGS)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

const QUIET = { logLevel: 'silent' } as const;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

const NUMBERS = [Number.NaN, Infinity, -Infinity, 1e308, -1e308, 1e12, -1, 0, -0, 0.5, 1e-320, 2 ** 31, 3];
const STRINGS = [
  'sin(pi*q)',
  '__proto__',
  'constructor',
  'u_xx +',
  '',
  'x ? y',
  '1/0',
  'lap(u, v)',
  'u(x)',
  'exp(1e6*x)',
  'x == -1',
  'boundary',
  'left',
  'nope',
  'data/missing.dat',
  '/dev/zero',
  '../../etc/passwd',
  '*alias',
  'a'.repeat(300),
  'tanh',
];
const YAML_BITS = [':', '- ', '&a ', '*b', '{', '[', '\t', '"', '\n  ', '\n- x', '!!binary', '%', '---\n', '? '];

export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number; to: number }
  | { kind: 'number'; at: number; value: number }
  | { kind: 'string'; at: number; value: string }
  | { kind: 'retype'; at: number; value: Json }
  | { kind: 'yaml'; at: number; insert: string };

export interface FuzzCase {
  base: string;
  mutations: Mutation[];
}

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(...STRINGS),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.constant<Json>([1, 2]),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...NUMBERS), fc.double()) }),
  fc.record({
    kind: fc.constant('string' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 12 })),
  }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: jsonValue }),
  fc.record({ kind: fc.constant('yaml' as const), at: fc.nat(), insert: fc.constantFrom(...YAML_BITS) }),
);

export const fuzzCases = (count: number, seed: number): FuzzCase[] =>
  fc.sample(fc.record({ base: fc.constantFrom(...exampleConfigs()), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) }), {
    numRuns: count,
    seed,
  });

/** Every path to a value in the tree (containers included, the root excluded). */
function paths(v: Json, prefix: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [];
  const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...prefix, k], ...paths((v as Record<string | number, Json>)[k], [...prefix, k])]);
}
const parentOf = (root: Json, p: Path): Record<string | number, Json> =>
  p.slice(0, -1).reduce((o, k) => (o as Record<string | number, Json>)[k], root) as Record<string | number, Json>;

function applyTree(root: Json, m: Exclude<Mutation, { kind: 'yaml' }>): void {
  const all = paths(root);
  if (!all.length) return;
  const p = all[m.at % all.length];
  const parent = parentOf(root, p);
  const key = p[p.length - 1];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return;
    case 'duplicate':
      // the value at another path, copied here (a number where a block was, a list where a string was, ...)
      parent[key] = structuredClone(parentOf(root, all[m.to % all.length])[all[m.to % all.length].at(-1) as string]) ?? null;
      return;
    case 'number':
    case 'string':
    case 'retype':
      parent[key] = structuredClone(m.value); // a copy: fast-check shares constant values between cases
  }
}

/** The mutated config text. */
export function mutatedText(c: FuzzCase): string {
  let tree = parse(readFileSync(join(CONFIGS, c.base), 'utf8'), QUIET) as Json;
  let text = '';
  for (const m of c.mutations) {
    if (m.kind === 'yaml') {
      text = stringify(tree);
      const at = m.at % (text.length + 1);
      text = text.slice(0, at) + m.insert + text.slice(at);
      try {
        tree = parse(text, QUIET) as Json;
      } catch {
        return text; // broken YAML: validate must say where
      }
    } else {
      applyTree(tree, m);
    }
  }
  return stringify(tree);
}

/**
 * A scratch `configs` folder laid out like the repository's (its `data` and the package's `../data` linked), so
 * relative file references resolve as shipped.
 */
export function fuzzDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-fuzz-'));
  const dir = join(root, 'configs');
  mkdirSync(dir);
  symlinkSync(join(CONFIGS, 'data'), join(dir, 'data'));
  symlinkSync(join(CONFIGS, '..', 'data'), join(root, 'data'));
  return dir;
}

export interface Outcome {
  code: number;
  stackTrace: boolean;
  message: string;
}

/** `fluxion validate` on the case, in process. */
export async function validateCase(dir: string, c: FuzzCase, i: number): Promise<Outcome> {
  const path = join(dir, `case${i}.yaml`);
  writeFileSync(path, mutatedText(c));
  const err: string[] = [];
  const code = await main(['validate', path], { out: () => undefined, err: (t) => void err.push(t) });
  const message = err.join('');
  return { code, stackTrace: /\n\s+at .+:\d+:\d+/.test(message), message };
}
