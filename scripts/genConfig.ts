// `npm run gen:config`: writes the JSON Schemas (schemas/*.schema.json) and the key reference (docs/config.md)
// generated from the zod schemas; `npm run gen:config -- --check` only compares and exits 1 when one is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedConfigFiles } from '../runner/configDocs.js';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [file, text] of Object.entries(generatedConfigFiles())) {
  const path = join(root, file);
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // a missing file is stale
  }
  if (old === text) continue;
  stale.push(file);
  if (!check) writeFileSync(path, text);
}
if (check && stale.length) {
  process.stderr.write(`stale generated config files (run npm run gen:config): ${stale.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(
  stale.length ? `${check ? 'stale' : 'wrote'}: ${stale.join(', ')}\n` : 'config schemas and docs/config.md are up to date\n',
);
