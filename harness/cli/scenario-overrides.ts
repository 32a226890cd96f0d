import { UsageError } from '../errors.js';
import { FORCED_GC_MODES, type Scenario } from '../results/scenario-schema.js';
import { checkScenarioBounds } from '../workload/scenario.js';
import { numberOf } from './flags.js';

interface Overrides {
  duration?: string | undefined;
  rate?: string | undefined;
  capacity?: string | undefined;
  'time-scale'?: string | undefined;
  'gc-mode'?: string | undefined;
  seed?: string | undefined;
}

/** The scenario with the command line's values in place of its own (never mutating it). */
export function applyOverrides(scenario: Scenario, values: Overrides): Scenario {
  const gcMode = values['gc-mode'];
  const mode = FORCED_GC_MODES.find((known) => known === gcMode);
  if (gcMode !== undefined && gcMode !== 'none' && mode === undefined) {
    throw new UsageError(`--gc-mode must be one of ${[...FORCED_GC_MODES, 'none'].join(', ')}, got "${gcMode}"`);
  }
  const forcedGc =
    gcMode === undefined ? scenario.forcedGc : gcMode === 'none' ? null : { intervalSeconds: scenario.forcedGc?.intervalSeconds ?? 120, mode: mode ?? 'sync' };
  const overridden: Scenario = {
    ...scenario,
    durationSeconds: numberOf('duration', values.duration) ?? scenario.durationSeconds,
    rate: numberOf('rate', values.rate) ?? scenario.rate,
    capacity: numberOf('capacity', values.capacity) ?? scenario.capacity,
    timeScale: numberOf('time-scale', values['time-scale']) ?? scenario.timeScale,
    seed: numberOf('seed', values.seed) ?? scenario.seed,
    forcedGc,
  };
  checkScenarioBounds(overridden, `${scenario.name} with the command line's values`);
  return overridden;
}
