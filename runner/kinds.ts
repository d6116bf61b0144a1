// Which module trains which `kind`. pinn/ and operators/ are loaded lazily by module path so that
// the runner builds (and validates configs) before or without them; simulations use sim/ here.
import type { RunConfig } from './schema.js';
import type { Trainer, TrainerContext, TrainerFactory } from './trainer.js';
import { createSimulationTrainer } from './simulation.js';

/** Exported factory names looked up in each module, first match wins. */
const FACTORY_EXPORTS: Record<'pinn' | 'operator', { module: string; names: string[] }> = {
  pinn: { module: '../pinn/index.js', names: ['createPinnTrainer', 'pinnTrainerFromConfig', 'createTrainer', 'makeTrainer'] },
  operator: { module: '../operators/index.js', names: ['createOperatorTrainer', 'operatorTrainerFromConfig', 'createTrainer', 'makeTrainer'] },
};

/** The backing module of a kind is missing or does not export a trainer factory. */
export class KindUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KindUnavailableError';
  }
}

async function loadFactory(kind: 'pinn' | 'operator'): Promise<TrainerFactory> {
  const { module, names } = FACTORY_EXPORTS[kind];
  let mod: Record<string, unknown>;
  try {
    mod = (await import(module)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(module.replace('../', '').replace('.js', ''))) {
      throw new KindUnavailableError(`kind '${kind}': the ${module.slice(3, module.indexOf('/', 3))}/ module is not built yet, so this config validates but cannot run`);
    }
    throw e;
  }
  const name = names.find((n) => typeof mod[n] === 'function');
  if (!name) throw new KindUnavailableError(`kind '${kind}': ${module} exports no trainer factory (looked for ${names.join(', ')})`);
  return mod[name] as TrainerFactory;
}

/** Whether a kind can run in this build (for tests and `validate`). */
export async function kindAvailable(kind: RunConfig['kind']): Promise<boolean> {
  if (kind === 'simulation') return true;
  try {
    await loadFactory(kind);
    return true;
  } catch (e) {
    if (e instanceof KindUnavailableError) return false;
    throw e;
  }
}

export async function createTrainer(config: RunConfig, ctx: TrainerContext): Promise<Trainer> {
  if (config.kind === 'simulation') return createSimulationTrainer(config);
  const factory = await loadFactory(config.kind);
  return factory(config, ctx);
}
