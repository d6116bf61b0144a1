// JSON Schema of the config files, generated from the zod schemas (z.toJSONSchema) with their descriptions,
// defaults and examples: `fluxion schema`, the shipped schemas/*.schema.json, and docs/config.md come from it.
import { z } from 'zod';
import { configSchema, inverseSchema, operatorSchema, pinnSchema, simulationSchema, type RunKind } from './schema.js';
import { sweepSchema } from './sweepSchema.js';

/** JSON Schema object (draft-07: the draft every YAML language server and ajv's default build read). */
export type JsonSchema = { [key: string]: unknown };

const byKind = { pinn: pinnSchema, operator: operatorSchema, simulation: simulationSchema, inverse: inverseSchema } as const;

/** Shipped schema file names: one per kind, and config.schema.json for any kind. */
export const schemaFileName = (kind?: RunKind): string => `${kind ?? 'config'}.schema.json`;

/** The draft-07 JSON Schema of a zod schema, as a user writes the file (keys with defaults optional). */
function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-7',
    unrepresentable: 'any',
    cycles: 'ref',
    reused: 'inline',
  }) as JsonSchema;
}

export function configJsonSchema(kind?: RunKind): JsonSchema {
  const { $schema, ...rest } = toJsonSchema(kind ? byKind[kind] : configSchema);
  return {
    $schema,
    title: kind ? `Fluxion ${kind} config` : 'Fluxion config',
    description: `A Fluxion run config (${kind ? `kind: ${kind}` : 'any kind'}); keys are described in docs/config.md.`,
    ...rest,
  };
}

/** schemas/sweep.schema.json: sweep files (`fluxion sweep`). */
export function sweepJsonSchema(): JsonSchema {
  const { $schema, ...rest } = toJsonSchema(sweepSchema);
  return {
    $schema,
    title: 'Fluxion sweep',
    description: 'A Fluxion sweep file (fluxion sweep): a base config, a grid and/or random search over key paths, seeds and a budget.',
    ...rest,
  };
}
