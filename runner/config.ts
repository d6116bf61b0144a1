// Load a YAML config, validate it, and turn the first problem into one line naming the key path.
import { parseDocument, stringify } from 'yaml';
import type { z } from 'zod';
import { configSchema, runKinds, type RunConfig } from './schema.js';
import { ConfigError } from './errors.js';
import { closest } from './suggest.js';
import { checkOptimizer } from './optimizer.js';
import { checkPinnSymbols } from './symbolCheck.js';
import { checkPinnLimits } from './limits.js';
import { isReservedName } from '../pinn/symbols.js';
import { readDataFile } from '../meshes/data/reference.js';
import { renameDeprecatedKeys } from './keyStyle.js';
import { applyOverrides, type Override } from './overrides.js';

/** Largest config file read (16 MiB). */
const MAX_CONFIG_BYTES = 16 * 2 ** 20;

type PathKey = PropertyKey;

/** `training.points.domain`, `conditions[0].value`. */
export function formatPath(path: readonly PathKey[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s === '' ? String(k) : `.${String(k)}`;
  return s === '' ? '(root)' : s;
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  // JSON writes NaN and Infinity (YAML .nan, .inf) as null; name them
  const s =
    JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x))?.replace(
      /"(NaN|-?Infinity)"/g,
      '$1',
    ) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Internal zod v4 definition, read only to list the keys an object accepts (for suggestions). */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  getter?: () => z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  in?: z.ZodType;
}
const defOf = (s: z.ZodType): SchemaDef => (s as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The object schema reached by following `path` through `data` (unions resolved by the data's discriminator). */
function schemaAt(schema: z.ZodType, data: unknown, path: readonly PathKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  let v = data;
  let i = 0;
  for (let guard = 0; s && guard < 200; guard++) {
    const d = defOf(s);
    if (d.type === 'default' || d.type === 'optional' || d.type === 'prefault' || d.type === 'nullable') {
      s = d.innerType;
      continue;
    }
    if (d.type === 'pipe') {
      s = d.in;
      continue;
    }
    if (d.type === 'lazy' && d.getter) {
      s = d.getter();
      continue;
    }
    if (d.type === 'union' && d.options) {
      const disc = d.discriminator;
      const tag = disc && v && typeof v === 'object' ? (v as Record<string, unknown>)[disc] : undefined;
      s =
        d.options.find((o) => {
          const field = disc === undefined ? undefined : defOf(o).shape?.[disc];
          const values = field && (field as unknown as { _zod: { values?: Set<unknown> } })._zod.values;
          return values?.has(tag) ?? false;
        }) ??
        // a mapping: the object alternative, or the (discriminated) union of objects (an lr schedule)
        (v !== null && typeof v === 'object' ? d.options.find((o) => ['object', 'union'].includes(defOf(o).type)) : undefined) ??
        d.options[0];
      continue;
    }
    if (i === path.length) return s;
    const k = path[i++];
    v = valueAt(v, [k]);
    if (d.type === 'object' && d.shape) s = d.shape[k as string];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'tuple' && d.items) s = d.items[k as number];
    else return undefined;
  }
  return undefined;
}

function typeName(t: string): string {
  const names: Record<string, string> = {
    int: 'an integer',
    number: 'a number',
    string: 'a string',
    record: 'a mapping',
    object: 'a mapping',
    array: 'a list',
    boolean: 'true or false',
    tuple: 'a list',
  };
  return names[t] ?? t;
}

/** One line for a zod issue: the key path, what was expected and what came (`root`: the schema `data` was checked by). */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown, root: z.ZodType = configSchema): string {
  const path = formatPath(issue.path);
  const got = valueAt(data, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const obj = schemaAt(root, data, issue.path);
      const known = obj ? Object.keys(defOf(obj).shape ?? {}) : [];
      const key = issue.keys[0];
      const hint = closest(key, known);
      const where = issue.path.length ? `${path}.${key}` : key;
      return `${where}: unknown key${hint ? ` (did you mean '${hint}'?)` : ''}; expected one of ${known.join(', ')}`;
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const hint = typeof got === 'string' ? closest(got, values) : undefined;
      return `${path}: expected ${values.length === 1 ? show(issue.values[0]) : `one of ${values.join(', ')}`}, got ${show(got)}${hint ? ` (did you mean '${hint}'?)` : ''}`;
    }
    case 'invalid_union': {
      const u = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
      if (u.options && u.discriminator !== undefined) {
        const values = u.options.map(String);
        const hint = typeof got === 'string' ? closest(got, values) : undefined;
        return `${path}: expected one of ${values.join(', ')}, got ${show(got)}${hint ? ` (did you mean '${hint}'?)` : ''}`;
      }
      // A value matching none of the alternatives: report the alternative whose issues go deepest.
      // A misspelt key is the better message there too.
      const flat = u.errors.flat();
      const deepest = flat.find((e) => e.code === 'unrecognized_keys') ?? flat.sort((a, b) => b.path.length - a.path.length)[0];
      if (deepest && (deepest.path.length > 0 || deepest.code === 'unrecognized_keys'))
        return describeIssue({ ...deepest, path: [...issue.path, ...deepest.path] } as z.core.$ZodIssue, data, root);
      return `${path}: expected ${u.errors.map((e) => (e[0]?.code === 'invalid_type' ? typeName((e[0] as { expected: string }).expected) : 'a valid value')).join(' or ')}, got ${show(got)}`;
    }
    case 'invalid_key':
      // a record key failing its schema (an identifier): the key's own message
      return `${path}: ${issue.issues[0]?.message ?? 'invalid key'}`;
    case 'invalid_type':
      return `${path}: expected ${typeName(issue.expected)}, got ${got === undefined ? 'nothing (required)' : show(got)}`;
    case 'too_small':
    case 'too_big': {
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const what = issue.origin === 'array' ? 'entries' : issue.origin === 'string' ? 'characters' : '';
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      return what
        ? `${path}: expected ${op} ${String(bound)} ${what}, got ${show(got)}`
        : `${path}: expected a number ${op} ${String(bound)}, got ${show(got)}`;
    }
    default:
      return `${path}: ${issue.message}${got !== undefined && issue.code !== 'custom' ? `, got ${show(got)}` : ''}`;
  }
}

/** Why `path` names no key the config schema knows (removing an absent key): the unknown-key line, or undefined. */
export function unknownKeyAt(data: unknown, path: readonly PathKey[]): string | undefined {
  for (let i = 1; i <= path.length; i++) {
    if (schemaAt(configSchema, data, path.slice(0, i))) continue;
    const parent = schemaAt(configSchema, data, path.slice(0, i - 1));
    if (!parent || !defOf(parent).shape) return `${formatPath(path.slice(0, i))}: unknown key`;
    const issue = { code: 'unrecognized_keys', keys: [String(path[i - 1])], path: path.slice(0, i - 1), message: '', input: undefined };
    return describeIssue(issue as unknown as z.core.$ZodIssue, data);
  }
  return undefined;
}

/** The path of the first mapping key such as __proto__ or constructor (YAML makes them own keys; zod drops them silently). */
function reservedKeyPath(v: unknown, path: PathKey[] = []): PathKey[] | undefined {
  if (v === null || typeof v !== 'object' || path.length > 64) return undefined;
  for (const k of Object.keys(v)) {
    const here = [...path, Array.isArray(v) ? Number(k) : k];
    if (!Array.isArray(v) && isReservedName(k)) return here;
    const deeper = reservedKeyPath((v as Record<string, unknown>)[k], here);
    if (deeper) return deeper;
  }
  return undefined;
}

/** Validates plain data; throws ConfigError naming the first problem's key path. */
export function validateConfig(data: unknown, source = 'config'): RunConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(`${source}: expected a YAML mapping at the top level`);
  const kind = (data as Record<string, unknown>).kind;
  if (kind === undefined) throw new ConfigError(`kind: expected one of ${runKinds.join(', ')}, got nothing (required)`);
  const reserved = reservedKeyPath(data);
  if (reserved)
    throw new ConfigError(
      `${formatPath(reserved)}: expected a key other than a JS object internal (__proto__, constructor, prototype, ...)`,
    );
  const r = configSchema.safeParse(data);
  if (!r.success) {
    throw new ConfigError(describeIssue(firstIssue(r.error.issues), data));
  }
  checkOptimizer(r.data.training);
  if (r.data.kind === 'pinn' && r.data.training.finetune) checkOptimizer(r.data.training.finetune, 'training.finetune');
  if (r.data.kind === 'pinn') {
    // expressions symbolically (unknown symbols, derived sources), then sizes and the memory estimate
    const readings = checkPinnSymbols(r.data);
    checkPinnLimits(r.data, Math.max(0, ...readings.map((e) => e.order)));
  }
  return r.data;
}

/** Alias expansions allowed per document: a few hundred anchors is plenty, a "billion laughs" bomb is not. */
export const MAX_YAML_ALIASES = 100;

/** Where config warnings go by default (deprecated keys): Node's warning channel. */
export const emitConfigWarning = (message: string): void => void process.emitWarning(message, { code: 'FLUXION_CONFIG' });

/** The first issue worth reporting: a misspelt key also shows up as a missing required one, and is the better message. */
export function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

/**
 * Parses YAML text into plain data; syntax errors name the line and column; `warn` gets one line per deprecated
 * key (read renamed).
 */
export function parseYamlText(text: string, source = 'config', warn: (message: string) => void = emitConfigWarning): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new ConfigError(`${source}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  for (const w of renameDeprecatedKeys(doc)) warn(w);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    // undefined aliases (*name without &name) and alias bombs surface only when the document is resolved
    const msg = (e as Error).message;
    const bomb = /alias count/i.test(msg);
    throw new ConfigError(
      `${source}: invalid YAML: ${bomb ? `more than ${MAX_YAML_ALIASES} alias expansions (*name), refused as a resource exhaustion risk (an alias bomb?)` : msg.replace(/^Unresolved alias[^:]*: ?(.*)$/, "undefined alias '*$1' (define the anchor &$1 before using it)")}`,
    );
  }
  return data;
}

/** Parses and validates a config's YAML text; `overrides` (`--set`, `--unset`) are applied to the data before validation. */
export function parseConfigText(
  text: string,
  source = 'config',
  warn: (message: string) => void = emitConfigWarning,
  overrides: readonly Override[] = [],
): RunConfig {
  const data = parseYamlText(text, source, warn);
  if (overrides.length > 0 && data !== null && typeof data === 'object' && !Array.isArray(data))
    applyOverrides(data as Record<string, unknown>, overrides, unknownKeyAt);
  return validateConfig(data, source);
}

/** Reads a config file of bounded size as text; an unreadable file is a ConfigError naming it. */
export function readConfigText(path: string): string {
  try {
    // a regular file of bounded size: `fluxion validate /dev/zero` must not read forever
    return new TextDecoder().decode(readDataFile(path, MAX_CONFIG_BYTES));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read config (${code ?? (e as Error).message})`);
  }
}

export function loadConfig(
  path: string,
  warn: (message: string) => void = emitConfigWarning,
  overrides: readonly Override[] = [],
): RunConfig {
  return parseConfigText(readConfigText(path), path, warn, overrides);
}

/** The resolved config (all defaults filled) as YAML, written as config.resolved.yaml (`header`: leading comment lines). */
export function resolvedYaml(config: RunConfig, header = ''): string {
  return header + stringify(config, { lineWidth: 0 });
}
