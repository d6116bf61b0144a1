// `--set key.path=value` overrides: parsed (the value as YAML) and applied to a config's plain data before
// validation, so the schema checks them like any other key and names the same key paths.
import { parse } from 'yaml';
import { ConfigError } from './errors.js';
import { formatPath } from './config.js';
import { isReservedName } from '../pinn/symbols.js';

export type KeyPath = (string | number)[];

/** One parsed `--set` assignment. */
export interface Override {
  path: KeyPath;
  value: unknown;
  /** As written: `training.lr=1e-3`. */
  text: string;
}

/** `training.points.domain`, `network.layers[0]`, `conditions[1].weight` into its segments. */
export function parseKeyPath(text: string, what = '--set'): KeyPath {
  const bad = (): ConfigError => new ConfigError(`${what} '${text}': expected a key path such as training.lr or network.layers[0]`);
  const path: KeyPath = [];
  let consumed = 0;
  for (const m of text.matchAll(/(^|\.)([^.[\]\s=]+)|\[(\d+)\]/g)) {
    if (m.index !== consumed) throw bad();
    consumed += m[0].length;
    if (m[2] === undefined) {
      path.push(Number(m[3]));
      continue;
    }
    if ((m[1] === '') !== (path.length === 0)) throw bad(); // a dot between keys, none before the first
    if (isReservedName(m[2]))
      throw new ConfigError(`${what} '${text}': expected a key other than a JS object internal (__proto__, constructor, prototype, ...)`);
    path.push(m[2]);
  }
  if (consumed !== text.length || typeof path[0] !== 'string') throw bad();
  return path;
}

/** `key.path=value` with the value read as YAML (`1e-3` a number, `[64, 64]` a list, `tanh` a string). */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set '${text}': expected key.path=value (e.g. training.lr=1e-3)`);
  const path = parseKeyPath(text.slice(0, eq).trim());
  const raw = text.slice(eq + 1);
  if (raw.trim() === '') throw new ConfigError(`--set ${formatPath(path)}: expected a value after '=', got nothing`);
  let value: unknown;
  try {
    value = parse(raw, { maxAliasCount: 0 });
  } catch (e) {
    throw new ConfigError(`--set ${formatPath(path)}: invalid YAML value '${raw}': ${(e as Error).message.split('\n')[0]}`);
  }
  return { path, value, text: `${formatPath(path)}=${raw}` };
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Sets each override in `data` (a parsed config, changed in place; missing mappings on the way are created).
 * Going through a scalar, or indexing past the end of a list, is a ConfigError naming the path.
 */
export function applyOverrides(data: Record<string, unknown>, overrides: readonly Override[]): Record<string, unknown> {
  for (const o of overrides) {
    let node: unknown = data;
    for (let i = 0; i < o.path.length; i++) {
      const k = o.path[i];
      const last = i === o.path.length - 1;
      const here = formatPath(o.path.slice(0, i));
      if (typeof k === 'number') {
        if (!Array.isArray(node)) throw new ConfigError(`${here}: expected a list to set '${formatPath(o.path)}', got ${show(node)}`);
        if (k > node.length) throw new ConfigError(`${formatPath(o.path)}: index past the end of ${here} (length ${node.length})`);
        if (last) node[k] = o.value;
        else node = node[k] ??= typeof o.path[i + 1] === 'number' ? [] : {};
      } else {
        if (!isMapping(node)) throw new ConfigError(`${here}: expected a mapping to set '${formatPath(o.path)}', got ${show(node)}`);
        if (last) node[k] = o.value;
        else node = node[k] ??= typeof o.path[i + 1] === 'number' ? [] : {};
      }
    }
  }
  return data;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The YAML comment recording the overrides at the top of config.resolved.yaml ('' without any). */
export function overridesComment(overrides: readonly Override[]): string {
  if (overrides.length === 0) return '';
  return `# overrides (--set), applied to the config file before validation:\n${overrides.map((o) => `#   ${o.text}\n`).join('')}`;
}
