// Which PINNacle problems the suite knows: every bench/pinnacle/<id>.yaml present when it starts (engineers add
// configs over time), plus stand-ins from configs/ for ids that have no bench config yet.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export interface Problem {
  /** bench/pinnacle/<id>.yaml's id, the key of published.ts */
  id: string;
  /** absolute path of its config */
  file: string;
}

/** configs/ examples that are PINNacle problems too, used while bench/pinnacle has no config of that id. */
export const STAND_INS: Readonly<Record<string, string>> = { 'poisson2d-c': 'configs/poisson-holes.yaml' };

/** The problems under `benchDir` (sorted by id), with stand-ins (paths relative to `repoRoot`) for missing ids. */
export function discoverProblems(benchDir: string, repoRoot: string): Problem[] {
  const found = readdirSync(benchDir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
    .map((f) => ({ id: f.slice(0, -'.yaml'.length), file: join(benchDir, f) }));
  const ids = new Set(found.map((p) => p.id));
  for (const [id, rel] of Object.entries(STAND_INS)) {
    const file = join(repoRoot, rel);
    if (!ids.has(id) && existsSync(file)) found.push({ id, file });
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** The problems `only` names (all when undefined); an unknown id is an error naming --only and the known ids. */
export function selectProblems(all: readonly Problem[], only: readonly string[] | undefined): Problem[] {
  if (!only) return [...all];
  const byId = new Map(all.map((p) => [p.id, p]));
  const unknown = only.filter((id) => !byId.has(id));
  if (unknown.length) throw new Error(`--only: unknown problem '${unknown[0]}' (known: ${[...byId.keys()].join(', ')})`);
  return only.map((id) => byId.get(id)!);
}

export function readConfig(file: string): Record<string, unknown> {
  const c: unknown = parse(readFileSync(file, 'utf8'));
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error(`${file}: expected a YAML mapping`);
  return c as Record<string, unknown>;
}

// A string value is a file path when it names an existing file relative to the config (the runner resolves data,
// reference and coefficient files that way); matching on that rather than on key names keeps this independent of
// the schema's keys.
const looksLikeFile = (s: string): boolean => /\.[A-Za-z0-9]{1,5}$/.test(s) && !isAbsolute(s) && !/\s/.test(s);

/** `value` with every relative file path (relative to `fromDir`) rewritten to be relative to `toDir`. */
export function rebasePaths(value: unknown, fromDir: string, toDir: string): unknown {
  if (typeof value === 'string') {
    if (!looksLikeFile(value)) return value;
    const abs = resolve(fromDir, value);
    return existsSync(abs) && statSync(abs).isFile() ? relative(toDir, abs) : value;
  }
  if (Array.isArray(value)) return value.map((v) => rebasePaths(v, fromDir, toDir));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebasePaths(v, fromDir, toDir)]));
  return value;
}

/** YAML text of `config` (read from `sourceFile`) to be written at `targetFile`, its file paths still pointing right. */
export function configYamlAt(config: Record<string, unknown>, sourceFile: string, targetFile: string): string {
  return stringify(rebasePaths(config, dirname(sourceFile), dirname(targetFile)));
}
