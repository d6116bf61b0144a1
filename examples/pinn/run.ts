// Shared driver for the PINN examples: `npx tsx examples/pinn/<name>.ts [--steps N] [--finetune-steps N]`.
import * as pinn from '../../pinn/index.js';

export function stepsArg(fallback: number, flag = '--steps'): number {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: expected a non-negative integer, got '${process.argv[i + 1]}'`);
  return n;
}

const fmt = (v: number): string => v.toExponential(3);

/** Trains, printing the loss terms about ten times, then the final errors / recovered constants. */
export function runExample(
  title: string,
  spec: pinn.ProblemSpec,
  options: Omit<pinn.SolveOptions, 'steps'>,
  defaultSteps: number,
): pinn.SolveResult {
  const steps = stepsArg(defaultSteps);
  const finetune = options.finetune ? { ...options.finetune, steps: stepsArg(options.finetune.steps, '--finetune-steps') } : undefined;
  const every = Math.max(1, Math.floor(steps / 10));
  console.log(`${title}: ${steps} steps`);
  const res = pinn.solve(spec, {
    ...options,
    finetune,
    steps,
    onStep: (m, tr) => {
      if (m.step % every !== 0 && m.step !== steps) return;
      const terms = Object.entries(m.terms)
        .map(([k, v]) => `${k}=${fmt(v)}`)
        .join(' ');
      const ev = tr.evaluate();
      const err = ev.l2re !== undefined ? ` l2re=${fmt(ev.l2re)}` : '';
      const unk = ev.unknowns
        ? ' ' +
          Object.entries(ev.unknowns)
            .map(([k, v]) => `${k}=${v.toFixed(4)}`)
            .join(' ')
        : '';
      console.log(`step ${m.step} loss=${fmt(m.loss)} ${terms}${err}${unk}`);
    },
  });
  console.log(
    `done in ${res.final.wallTimeS.toFixed(1)} s:`,
    JSON.stringify({ l2re: res.final.l2re, perField: res.final.perField, unknowns: res.final.unknowns, loss: res.final.loss }),
  );
  return res;
}
