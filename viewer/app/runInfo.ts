// Header facts from config.resolved.yaml and summary.json.
import { parse } from 'yaml';

export interface RunInfo {
  /** The PINN config declares `time:`, so a 3-axis grid's last axis is t (not z). */
  readonly timeDependent: boolean;
  readonly summaryLine: string;
}

export function runInfo(configYaml: string | undefined, summaryJson: string | undefined): RunInfo {
  let timeDependent = false;
  try {
    const c = configYaml ? (parse(configYaml) as Record<string, unknown> | null) : null;
    timeDependent = !!c && c.time !== undefined;
  } catch {
    // an unreadable config only costs the axis label
  }
  let summaryLine = 'running…';
  try {
    if (summaryJson) {
      const s = JSON.parse(summaryJson) as Record<string, unknown>;
      const parts = [`${String(s.status ?? '?')}`, `${String(s.steps ?? '?')} steps`];
      if (typeof s.l2re === 'number') parts.push(`L2RE ${s.l2re.toExponential(2)}`);
      if (typeof s.wall_time === 'number') parts.push(`${s.wall_time.toFixed(1)} s`);
      if (typeof s.backend === 'string') parts.push(s.backend);
      summaryLine = parts.join(' · ');
    }
  } catch {
    // summary.json is written atomically, but be lenient with hand-made run directories
  }
  return { timeDependent, summaryLine };
}
