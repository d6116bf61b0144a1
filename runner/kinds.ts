// Which adapter trains which `kind`: config -> the owning module's trainer.
import { createPinnTrainerFromConfig } from './pinnAdapter.js';
import { createOperatorTrainerFromConfig } from './operatorAdapter.js';
import { createSimulationTrainer } from './simulation.js';
import { createInverseTrainer } from './inverseAdapter.js';
import type { RunConfig } from './schema.js';
import type { Trainer, TrainerContext } from './trainer.js';

export function createTrainer(config: RunConfig, ctx: TrainerContext): Trainer {
  switch (config.kind) {
    case 'pinn':
      return createPinnTrainerFromConfig(config, ctx);
    case 'operator':
      return createOperatorTrainerFromConfig(config, ctx);
    case 'simulation':
      return createSimulationTrainer(config, ctx);
    case 'inverse':
      return createInverseTrainer(config, ctx);
  }
}
