// Settings that are valid but probably not what the user meant, reported before training starts.
import type { RunConfig } from './schema.js';
import { checkPinnSymbols, derivedSourceNotes } from './symbolCheck.js';

/** Warnings for a config after the command line's overrides (`--steps`, which the schema never saw). */
export function runWarnings(config: RunConfig, stepsFlag: number | undefined): string[] {
  const out: string[] = [];
  // a linear term with a typo would otherwise become a manufactured source silently
  if (config.kind === 'pinn') out.push(...derivedSourceNotes(checkPinnSymbols(config), config));
  if (config.kind === 'pinn' && stepsFlag !== undefined) {
    const ft = config.training.finetune;
    if (ft && ft.at >= stepsFlag) {
      out.push(
        `--steps ${stepsFlag} ends the run at or before training.finetune.at (${ft.at}): the finetune phase (${ft.optimizer}) will not run`,
      );
    }
  }
  return out;
}
