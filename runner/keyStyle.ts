// YAML keys are snake_case; the library's untyped option objects (optimizer options, learning-rate schedule specs)
// keep their TypeScript camelCase names. This module is the one place the two spellings meet: the runner
// translates YAML options to library options (and library error messages back), loading renames the deprecated
// camelCase YAML spellings with a warning, and `fluxion migrate` rewrites them in files.
import { isMap, isScalar, type Document, type Scalar } from 'yaml';

/** YAML key -> library option name, for every option whose two spellings differ. */
export const OPTION_KEYS = {
  weight_decay: 'weightDecay',
  max_line_search: 'maxLineSearch',
  residual_index: 'residualIndex',
  update_every: 'updateEvery',
  expected_rho: 'expectedRho',
  decay_rate: 'decayRate',
  decay_steps: 'decaySteps',
  step_size: 'stepSize',
  total_steps: 'totalSteps',
  min_lr: 'minLr',
  end_lr: 'endLr',
  warmup_steps: 'warmupSteps',
} as const;

type YamlKey = keyof typeof OPTION_KEYS;
const yamlKeyOf = new Map<string, string>(Object.entries(OPTION_KEYS).map(([yaml, lib]) => [lib, yaml]));

/**
 * Where option objects sit in a config (relative to the root); inside them every nested mapping (`base`, a
 * schedule's `after`, an `lr` spec) is an option object too, and no key is a user-chosen name.
 */
export const OPTION_ROOTS: readonly (readonly string[])[] = [
  ['training', 'lr'],
  ['training', 'optimizer_options'],
  ['training', 'finetune', 'optimizer_options'],
];

/** Options as written in YAML -> the library's spelling (nested option objects included). */
export function toLibraryOptions<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[OPTION_KEYS[k as YamlKey] ?? k] = toLibraryOptions(x);
  return out as T;
}

const libraryNames = new RegExp(`\\b(${[...yamlKeyOf.keys()].join('|')})\\b`, 'g');

/** A library error message (`...lr.totalSteps: expected ...`) in YAML spelling (`...lr.total_steps: ...`). */
export function yamlMessage(message: string): string {
  return message.replace(libraryNames, (m) => yamlKeyOf.get(m) ?? m);
}

/** One deprecated key found in a config: its key path (dotted, in the new spelling up to it) and both spellings. */
export interface KeyRename {
  path: string;
  from: string;
  to: string;
  /** The key's node in the document (its `range` locates it in the source text). */
  node: Scalar;
}

/** The deprecated camelCase keys of a parsed YAML document, in document order (nothing is changed). */
export function findDeprecatedKeys(doc: Document): KeyRename[] {
  const found: KeyRename[] = [];
  const walk = (node: unknown, path: string): void => {
    if (!isMap(node)) return;
    const keys = new Set(node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const k = String(pair.key.value);
      const to = yamlKeyOf.get(k);
      // both spellings present: left for the schema to reject as an unknown key
      if (to !== undefined && !keys.has(to)) found.push({ path: `${path}.${to}`, from: k, to, node: pair.key as Scalar });
      walk(pair.value, `${path}.${to !== undefined && !keys.has(to) ? to : k}`);
    }
  };
  for (const root of OPTION_ROOTS) walk(doc.getIn(root, true), root.join('.'));
  return found;
}

/** The warning shown when a deprecated key is loaded. */
export function deprecationMessage(r: Pick<KeyRename, 'path' | 'from' | 'to'>): string {
  return `${r.path.slice(0, -r.to.length)}${r.from}: deprecated key, read as '${r.to}' (camelCase keys load until the next release; \`fluxion migrate <file> --write\` renames them)`;
}

/** Renames deprecated keys in the document (for loading) and returns the deprecation messages. */
export function renameDeprecatedKeys(doc: Document): string[] {
  return findDeprecatedKeys(doc).map((r) => {
    r.node.value = r.to;
    return deprecationMessage(r);
  });
}
