// `--set key.path=value` overrides: parsed (the value as YAML) and applied to a config's plain data before
// validation, so the schema checks them like any other key and names the same key paths. A null value removes the key
// (`--unset key.path` is the same), so an optional section of a base config can be switched off and the schema's
// default, if any, applies again; a sweep's set / grid / choice values use the same rule.
import { parse } from 'yaml';
import { ConfigError } from './errors.js';
import { formatPath } from './config.js';
import { isReservedName } from '../pinn/symbols.js';

export type KeyPath = (string | number)[];

/** One parsed `--set` assignment. */
export interface Override {
  path: KeyPath;
  /** The new value; null removes the key. */
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

/** `--unset key.path`: the override that removes the key (the same as `--set key.path=null`). */
export function parseUnset(text: string): Override {
  const path = parseKeyPath(text.trim(), '--unset');
  return { path, value: null, text: `${formatPath(path)}=null` };
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Says why removing the absent key `path` is wrong (an unknown key, with the schema's suggestions), or nothing. */
export type UnknownKeyCheck = (data: Record<string, unknown>, path: KeyPath) => string | undefined;

/**
 * Sets each override in `data` (a parsed config, changed in place; missing mappings on the way are created), or
 * removes its key when the value is null. Going through a scalar, indexing past the end of a list, or removing a list
 * entry is a ConfigError naming the path; so is removing an absent key that `unknownKey` does not know.
 */
export function applyOverrides(
  data: Record<string, unknown>,
  overrides: readonly Override[],
  unknownKey?: UnknownKeyCheck,
): Record<string, unknown> {
  for (const o of overrides) {
    if (o.value === null) removeKey(data, o.path, unknownKey);
    else setKey(data, o.path, o.value);
  }
  return data;
}

function setKey(data: Record<string, unknown>, path: KeyPath, value: unknown): void {
  let node: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const k = path[i];
    const last = i === path.length - 1;
    const here = formatPath(path.slice(0, i));
    if (typeof k === 'number') {
      if (!Array.isArray(node)) throw new ConfigError(`${here}: expected a list to set '${formatPath(path)}', got ${show(node)}`);
      if (k > node.length) throw new ConfigError(`${formatPath(path)}: index past the end of ${here} (length ${node.length})`);
      if (last) node[k] = value;
      else node = node[k] ??= typeof path[i + 1] === 'number' ? [] : {};
    } else {
      if (!isMapping(node)) throw new ConfigError(`${here}: expected a mapping to set '${formatPath(path)}', got ${show(node)}`);
      if (last) node[k] = value;
      else node = node[k] ??= typeof path[i + 1] === 'number' ? [] : {};
    }
  }
}

function removeKey(data: Record<string, unknown>, path: KeyPath, unknownKey?: UnknownKeyCheck): void {
  const key = path[path.length - 1];
  if (typeof key === 'number')
    throw new ConfigError(
      `${formatPath(path)}: cannot remove a list entry; set the whole list instead (${formatPath(path.slice(0, -1))}=[...])`,
    );
  let node: unknown = data;
  for (let i = 0; i < path.length - 1 && node !== undefined; i++) {
    const k = path[i];
    const ok = typeof k === 'number' ? Array.isArray(node) : isMapping(node);
    if (!ok)
      throw new ConfigError(`${formatPath(path.slice(0, i))}: expected a mapping to remove '${formatPath(path)}', got ${show(node)}`);
    node = (node as Record<string, unknown>)[k];
  }
  if (node !== undefined && !isMapping(node))
    throw new ConfigError(`${formatPath(path.slice(0, -1))}: expected a mapping to remove '${formatPath(path)}', got ${show(node)}`);
  if (node !== undefined && Object.hasOwn(node, key)) {
    delete node[key];
    return;
  }
  // nothing to remove is fine (a sweep grid may switch a key off that the base never had), a misspelt key is not
  const why = unknownKey?.(data, path);
  if (why) throw new ConfigError(why);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The YAML comment recording the overrides (removals marked) at the top of config.resolved.yaml ('' without any). */
export function overridesComment(overrides: readonly Override[]): string {
  if (overrides.length === 0) return '';
  const line = (o: Override): string => `#   ${o.text}${o.value === null ? ' (key removed)' : ''}\n`;
  return `# overrides (--set), applied to the config file before validation:\n${overrides.map(line).join('')}`;
}
