// `fluxion migrate`: rewrite a config's deprecated camelCase keys to snake_case in place. The keys are found
// through the YAML Document (keyStyle.ts) and replaced at their source ranges, so comments, quoting, flow
// style and blank lines stay exactly as written.
import { parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { findDeprecatedKeys, type KeyRename } from './keyStyle.js';

export interface Migration {
  text: string;
  renames: Omit<KeyRename, 'node'>[];
}

/** The migrated text of one config file (`source` names it in errors). */
export function migrateText(text: string, source = 'config'): Migration {
  const doc = parseDocument(text, { uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length > 0) throw new ConfigError(`${source}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const found = findDeprecatedKeys(doc);
  let out = text;
  // last first, so earlier ranges stay valid
  for (const r of [...found].sort((a, b) => (b.node.range?.[0] ?? 0) - (a.node.range?.[0] ?? 0))) {
    const [start, end] = r.node.range ?? [0, 0];
    out = out.slice(0, start) + out.slice(start, end).replace(r.from, r.to) + out.slice(end);
  }
  return { text: out, renames: found.map(({ node: _node, ...r }) => r) };
}
