// docs/config.md: the reference of every config key (type, default, meaning, example), rendered from the JSON
// Schema that the zod schemas generate, so the reference, the editor schema and the validator say the same thing.
import { configJsonSchema, schemaFileName, sweepJsonSchema, type JsonSchema } from './jsonSchema.js';
import { OPTION_KEYS } from './keyStyle.js';
import { runKinds } from './schema.js';

type Node = JsonSchema;
interface Row {
  key: string;
  type: string;
  def: string;
  meaning: string;
  example: string;
}
interface Section {
  title: string;
  intro?: string;
  rows: Row[];
}

const DEFS: Record<string, string> = { geometry: 'Geometry', learning_rate: 'Learning rates', optimizer_options: 'Optimizer options' };
const defLink = (ref: string): string => {
  const name = ref.replace(/^#\/definitions\//, '');
  const title = DEFS[name] ?? name;
  return `[${name}](#${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')})`;
};

const code = (v: unknown): string => `\`${JSON.stringify(v)}\``;
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(n: Node): string {
  if (typeof n.$ref === 'string') return defLink(n.$ref);
  if (Array.isArray(n.allOf) && n.allOf.length === 1) return typeOf(n.allOf[0] as Node);
  if (n.const !== undefined) return code(n.const);
  if (Array.isArray(n.enum)) return `one of ${n.enum.map((v) => code(v)).join(', ')}`;
  const alts = (n.anyOf ?? n.oneOf) as Node[] | undefined;
  if (alts) {
    const tags = alts.map((a) => (a.properties as Record<string, Node> | undefined)?.type?.const);
    if (tags.every((t) => t !== undefined)) return `mapping with type ${tags.map((t) => code(t)).join(', ')}`;
    return alts.map(typeOf).join(' or ');
  }
  const t = n.type;
  if (Array.isArray(t)) return t.join(' or ');
  if (t === 'array') {
    if (Array.isArray(n.items)) return `[${(n.items as Node[]).map(typeOf).join(', ')}]`;
    return `list of ${typeOf(n.items as Node)}`;
  }
  if (t === 'object') {
    if (n.properties) return 'mapping';
    const v = n.additionalProperties;
    return v && typeof v === 'object' ? `mapping of name to ${typeOf(v as Node)}` : 'mapping';
  }
  const range: string[] = [];
  if (typeof n.minimum === 'number') range.push(`>= ${n.minimum}`);
  if (typeof n.exclusiveMinimum === 'number') range.push(`> ${n.exclusiveMinimum}`);
  if (typeof n.maximum === 'number' && n.maximum < Number.MAX_SAFE_INTEGER) range.push(`<= ${n.maximum}`);
  if (typeof n.exclusiveMaximum === 'number') range.push(`< ${n.exclusiveMaximum}`);
  return [String(t ?? 'any'), ...range].join(' ');
}

/** The object alternatives of a node (itself, its variants, its list items, its record values). */
function objectParts(n: Node): { suffix: string; node: Node }[] {
  if (n.properties) return [{ suffix: '', node: n }];
  const alts = (n.oneOf ?? n.anyOf) as Node[] | undefined;
  if (alts)
    return alts.flatMap((a) =>
      objectParts(a).map((p) => {
        const tag = (a.properties as Record<string, Node> | undefined)?.type?.const;
        return { suffix: p.suffix === '' && tag !== undefined ? ` (type: ${String(tag)})` : p.suffix, node: p.node };
      }),
    );
  if (n.type === 'array' && n.items && !Array.isArray(n.items))
    return objectParts(n.items as Node).map((p) => ({ ...p, suffix: `[]${p.suffix}` }));
  if (n.type === 'object' && n.additionalProperties && typeof n.additionalProperties === 'object')
    return objectParts(n.additionalProperties as Node).map((p) => ({ ...p, suffix: `.<name>${p.suffix}` }));
  return [];
}

function sections(node: Node, path: string, title: string, intro?: string): Section[] {
  const props = node.properties as Record<string, Node>;
  const required = new Set((node.required as string[] | undefined) ?? []);
  const rows: Row[] = [];
  const nested: Section[] = [];
  for (const [k, n] of Object.entries(props)) {
    const key = path ? `${path}.${k}` : k;
    const example = (n.examples as unknown[] | undefined)?.[0] ?? n.default ?? n.const ?? (n.enum as unknown[] | undefined)?.[0];
    rows.push({
      key: `\`${k}\``,
      type: typeOf(n),
      def: n.default !== undefined ? code(n.default) : required.has(k) ? 'required' : 'none',
      meaning: String(n.description ?? ''),
      example: example === undefined ? '' : code(example),
    });
    for (const part of objectParts(n)) {
      const sub = key + part.suffix.replace(/ \(type: .*\)$/, '');
      const label = part.suffix.match(/ \(type: .*\)$/)?.[0] ?? '';
      nested.push(...sections(part.node, sub, `\`${sub}\`${label}`, part.node.description as string | undefined));
    }
  }
  return [{ title, intro, rows }, ...nested];
}

/** A Markdown table, columns padded to their widest cell as the repository's formatter (Biome) writes them. */
function table(header: string[], body: string[][]): string {
  const rows = [header, ...body.map((r) => r.map(cell))];
  const widths = header.map((_, j) => Math.max(3, ...rows.map((r) => r[j].length)));
  const line = (r: string[]): string => `| ${r.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

function render(s: Section, level: string): string {
  const head = `${level} ${s.title}\n\n${s.intro ? `${s.intro}\n\n` : ''}`;
  const body = s.rows.map((r) => [r.key, r.type, r.def, r.meaning, r.example]);
  return `${head}${table(['key', 'type', 'default', 'meaning', 'example'], body)}\n`;
}

/** The whole of docs/config.md. */
export function configReference(): string {
  const out: string[] = [
    '# Config reference',
    '',
    '<!-- Generated by `npm run gen:config` from the zod schemas in runner/ (runner/schema.ts, runner/optimizerSchema.ts,',
    '     runner/networkConfig.ts); edit the descriptions there, not this file. `npm run gen:config -- --check` fails when stale. -->',
    '',
    'Every key of a `fluxion run` config file, per kind: its type, default ("required" when it has none and must be',
    'given; "none" when it is optional and absent by default), meaning and an example value. Keys are snake_case.',
    'Expressions (PDEs, condition values, `exact`) are mathjs strings in the coordinates, fields and constants, with',
    'derivatives written `u_x`, `u_xx`, `u_xt`, `lap(u)`; `fluxion validate --print` shows how each was read. A sum of',
    'every spatial pure second derivative of one field with one sign (`u_xx + u_yy`) runs as `lap(u)`: one collapsed',
    'Taylor pass instead of a second-order jet per axis (estimated by probes under `derivatives.estimator: stde-*`, as `lap(u)`).',
    '',
    'Editors: the first line `# yaml-language-server: $schema=<path>/schemas/<kind>.schema.json` of a config makes any',
    'YAML language server complete keys, show these descriptions and flag unknown keys (`fluxion migrate` adds it;',
    '`fluxion schema [--kind K]` prints the schema). `fluxion init <kind> [--pde NAME]` writes a commented starting config.',
    '',
  ];
  const defs = new Map<string, Node>();
  for (const kind of runKinds) {
    const j = configJsonSchema(kind);
    for (const [k, v] of Object.entries((j.definitions as Record<string, Node> | undefined) ?? {})) defs.set(k, v);
    out.push(`## kind: ${kind}`, '', String((j.properties as Record<string, Node>).kind.description), '');
    for (const s of sections(j, '', 'Top level')) out.push(render(s, '###'));
  }
  for (const [name, n] of defs) {
    out.push(
      `## ${DEFS[name] ?? name}`,
      '',
      [n.description, `Used where a key's type says ${defLink(`#/definitions/${name}`)}.`].filter(Boolean).join(' '),
      '',
    );
    for (const part of objectParts(n)) {
      const title = `\`${name}\`${part.suffix}`;
      for (const s of sections(part.node, name, title, part.node.description as string | undefined)) out.push(render(s, '###'));
    }
  }
  out.push(
    '## Renamed keys',
    '',
    'These camelCase spellings still load in this release, with a warning; `fluxion migrate <file> --write` renames them.',
    '',
    table(
      ['old key', 'new key'],
      Object.entries(OPTION_KEYS).map(([yaml, old]) => [`\`${old}\``, `\`${yaml}\``]),
    ),
    '',
  );
  return out.join('\n');
}

/** Every generated file (path relative to the package root -> content): the JSON Schemas and docs/config.md. */
export function generatedConfigFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const kind of [...runKinds, undefined])
    files[`schemas/${schemaFileName(kind)}`] = `${JSON.stringify(configJsonSchema(kind), null, 2)}\n`;
  files['schemas/sweep.schema.json'] = `${JSON.stringify(sweepJsonSchema(), null, 2)}\n`;
  files['docs/config.md'] = configReference();
  return files;
}
