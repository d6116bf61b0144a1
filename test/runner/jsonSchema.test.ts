// The JSON Schema generated from the zod schemas: shipped files up to date, every key described, every example
// config valid against the schema its modeline names (checked with ajv, an independent validator), and known-bad
// configs rejected by ajv at the key path `fluxion validate` names.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { generatedConfigFiles } from '../../runner/configDocs.js';
import { configJsonSchema } from '../../runner/jsonSchema.js';
import { main } from '../../runner/cli.js';
import { pinnYaml, sinks, tempDir, writeConfig } from './helpers.js';

const ROOT = process.cwd();
const examples = ['configs', join('bench', 'pinnacle')].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(ROOT, d, f)),
);
const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ReturnType<Ajv['compile']>>();
function validatorFor(schemaPath: string): ReturnType<Ajv['compile']> {
  if (!validators.has(schemaPath)) validators.set(schemaPath, ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8'))));
  return validators.get(schemaPath)!;
}

/** `training.optimizer_options.weight_decy` for each ajv error (the offending key appended for additionalProperties). */
const errorPaths = (errors: ErrorObject[]): string[] =>
  errors.map((e) => {
    const parts = e.instancePath.split('/').slice(1);
    if (e.keyword === 'additionalProperties') parts.push((e.params as { additionalProperty: string }).additionalProperty);
    if (e.keyword === 'required') parts.push((e.params as { missingProperty: string }).missingProperty);
    return parts
      .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '');
  });

describe('config JSON Schema', () => {
  it('schemas/*.schema.json and docs/config.md are what npm run gen:config writes (else: run it)', () => {
    for (const [file, text] of Object.entries(generatedConfigFiles())) {
      expect(readFileSync(join(ROOT, file), 'utf8'), `${file} is stale: run npm run gen:config`).to.equal(text);
    }
  });

  it('fluxion schema --kind pinn prints the shipped pinn schema', async () => {
    const s = sinks();
    expect(await main(['schema', '--kind', 'pinn'], s.deps)).to.equal(0);
    expect(JSON.parse(s.out.join(''))).to.deep.equal(JSON.parse(readFileSync(join(ROOT, 'schemas', 'pinn.schema.json'), 'utf8')));
    expect(await main(['schema', '--kind', 'pinns'], sinks().deps)).to.equal(2);
  });

  it('describes every key', () => {
    const missing: string[] = [];
    const walk = (n: unknown, path: string): void => {
      if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${path}/${i}`));
      if (n === null || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n)) {
        if (k === 'properties')
          for (const [key, p] of Object.entries(v as Record<string, { description?: string; $ref?: string }>)) {
            if (!p.description && !p.$ref) missing.push(`${path}.${key}`);
            walk(p, `${path}.${key}`);
          }
        else if (k !== 'examples' && k !== 'default') walk(v, `${path}/${k}`);
      }
    };
    walk(configJsonSchema(), '');
    expect(missing).to.deep.equal([]);
  });

  for (const file of examples) {
    it(`${file.slice(ROOT.length + 1)} starts with a modeline and validates against that schema`, () => {
      const text = readFileSync(file, 'utf8');
      const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
      expect(m, 'first line: # yaml-language-server: $schema=... (npm run migrate:configs adds it)').to.not.equal(null);
      const data = parse(text) as { kind: string };
      expect(m![1]).to.match(new RegExp(`/schemas/${data.kind}\\.schema\\.json$`));
      const validate = validatorFor(resolve(dirname(file), m![1]));
      // camelCase keys fail here until `npm run migrate:configs` renames them
      expect(validate(data), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    });
  }

  const bad: [string, string[], string][] = [
    ['misspelt top-level key', ['trainig: { steps: 5 }'], 'trainig'],
    ['misspelt optimizer option', ['training: { optimizer_options: { weight_decy: 0.1 } }'], 'training.optimizer_options.weight_decy'],
    ['misspelt schedule key', ['training: { lr: { type: cosine, lr: 0.01, total_step: 10 } }'], 'training.lr.total_step'],
    ['deprecated camelCase key', ['training: { lr: { type: cosine, lr: 0.01, totalSteps: 10 } }'], 'training.lr.totalSteps'],
    ['unknown optimizer', ['training: { optimizer: adamm }'], 'training.optimizer'],
    ['negative steps', ['training: { steps: -3 }'], 'training.steps'],
    ['misspelt network key', ['network: { layer: [8] }'], 'network.layer'],
  ];
  it('rejects a misspelt simulator key at the path fluxion validate names (simulation schema)', async () => {
    const text = readFileSync(join(ROOT, 'configs', 'mass-spring-walk.yaml'), 'utf8').replace('  drag: 15', '  drag: 15\n  n_sine: 4');
    const v = validatorFor(join(ROOT, 'schemas', 'simulation.schema.json'));
    expect(v(parse(text))).to.equal(false);
    expect(errorPaths(v.errors ?? [])).to.include('simulator.n_sine');
    const s = sinks();
    expect(await main(['validate', writeConfig(tempDir(), text)], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/^error: simulator\.n_sine: unknown key \(did you mean 'n_sin'\?\)/);
  });

  for (const [what, lines, path] of bad) {
    it(`rejects a ${what} at ${path}, as fluxion validate does`, async () => {
      const yaml = pinnYaml(lines);
      const v = validatorFor(join(ROOT, 'schemas', 'pinn.schema.json'));
      expect(v(parse(yaml))).to.equal(false);
      expect(errorPaths(v.errors ?? [])).to.include(path);
      const dir = tempDir();
      const s = sinks();
      const file = writeConfig(dir, yaml);
      const code = await main(['validate', file], s.deps);
      // the deprecated spelling still loads (with a warning naming the new key); everything else exits 2 at the path
      if (what.startsWith('deprecated')) {
        expect(code).to.equal(0);
        expect(s.err.join('')).to.contain(`${path}: deprecated key, read as 'total_steps'`);
      } else {
        expect(code, s.err.join('')).to.equal(2);
        expect(s.err.join('').replace('error: ', '')).to.match(new RegExp(`^${path.replace(/\./g, '\\.')}:`));
      }
    });
  }
});
