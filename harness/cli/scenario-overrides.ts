import { UsageError } from '../errors.js';
import { FORCED_GC_MODES, type ForcedGcMode, type Scenario } from '../results/scenario-schema.js';
import { checkScenarioBounds, SCENARIO_LIMITS } from '../workload/scenario.js';
import { numberFlag } from './options.js';

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
  if (gcMode !== undefined && gcMode !== 'none' && !FORCED_GC_MODES.includes(gcMode as ForcedGcMode)) {
    throw new UsageError(`--gc-mode must be one of ${[...FORCED_GC_MODES, 'none'].join(', ')}, got "${gcMode}"`);
  }
  const forcedGc =
    gcMode === undefined
      ? scenario.forcedGc
      : gcMode === 'none'
        ? null
        : { intervalSeconds: scenario.forcedGc?.intervalSeconds ?? 120, mode: gcMode as ForcedGcMode };
  const overridden: Scenario = {
    ...scenario,
    durationSeconds: numberFlag('duration', values.duration, { min: 0.1, max: SCENARIO_LIMITS.durationSeconds, unit: 'seconds' }) ?? scenario.durationSeconds,
    rate: numberFlag('rate', values.rate, { min: 1, max: SCENARIO_LIMITS.rate }) ?? scenario.rate,
    capacity: numberFlag('capacity', values.capacity, { min: 1, max: 2 ** 31 - 1, integer: true }) ?? scenario.capacity,
    timeScale: numberFlag('time-scale', values['time-scale'], { min: 0.001, max: SCENARIO_LIMITS.timeScale }) ?? scenario.timeScale,
    seed: numberFlag('seed', values.seed, { min: 0, max: 0xffff_ffff, integer: true }) ?? scenario.seed,
    forcedGc,
  };
  checkScenarioBounds(overridden, `${scenario.name} with the command line's values`);
  return overridden;
}
