// Where the shipped JSON Schemas live (schemas/ at the package root, from runner/ or dist/runner/), and the
// `# yaml-language-server: $schema=...` modeline that points a config file at its kind's schema.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaFileName } from './jsonSchema.js';
import { runKinds, type RunKind } from './schema.js';

/** schemas/ of this package. */
export function schemasDir(): string {
  const candidates = [new URL('../schemas/', import.meta.url), new URL('../../schemas/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}

const MODELINE = /^# yaml-language-server: \$schema=.*$/m;

/** The modeline for a config file of `kind` (any kind's schema when unknown), relative to the file's folder. */
export function schemaModeline(configFile: string, kind: unknown): string {
  const k = (runKinds as readonly unknown[]).includes(kind) ? (kind as RunKind) : undefined;
  let rel = relative(dirname(resolve(configFile)), join(schemasDir(), schemaFileName(k)))
    .split(sep)
    .join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return `# yaml-language-server: $schema=${rel}`;
}

/** `text` with its modeline set to `line`: replaced where the leading comments have one, else prepended. */
export function withModeline(text: string, line: string): string {
  const head = /^(?:[ \t]*(?:#.*)?\r?\n)*/.exec(text)?.[0] ?? '';
  if (MODELINE.test(head)) return text.replace(MODELINE, line);
  return `${line}\n${text}`;
}
