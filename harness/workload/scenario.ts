import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import { readJsonFile } from '../json-input.js';
import { packageRoot } from '../package-root.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import { REQUEST_TYPES, type RequestMix, SCENARIO_LIMITS, type Scenario } from '../results/scenario-schema.js';
import { Scenario as ScenarioSchema } from '../results/schemas/scenario.js';

export const scenariosDir = join(packageRoot, 'scenarios');

export function scenarioNames(): string[] {
  return readdirSync(scenariosDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => basename(file, '.json'))
    .sort();
}

/** Loads a scenario by name (from `scenarios/`) or by path to a JSON file. */
export function loadScenario(nameOrPath: string): Scenario {
  const byName = join(scenariosDir, `${nameOrPath}.json`);
  const path = /^[\w-]+$/.test(nameOrPath) ? byName : nameOrPath;
  if (!existsSync(path)) {
    throw new UsageError(`unknown scenario "${nameOrPath}"; known: ${scenarioNames().join(', ')}`);
  }
  return parseScenario(readJsonFile(path, 'scenario'), path);
}

/** Checks every field of a parsed scenario file against its schema; a UsageError names the first bad one. */
export function parseScenario(raw: unknown, source: string): Scenario {
  const scenario = checkAgainstSchema(ScenarioSchema, raw, source);
  checkMix(scenario.mix, `${source}.mix`);
  for (const [i, phase] of scenario.phases.entries()) checkMix(phase.mix, `${source}.phases[${i}].mix`);
  checkScenarioBounds(scenario, source);
  const channels = scenario.population.guilds * scenario.population.channelsPerGuild;
  if (channels > 2 ** 32) throw new UsageError(`${source}: guilds x channelsPerGuild must fit in 32 bits`);
  return scenario;
}

function checkMix(mix: RequestMix, where: string): void {
  const total = REQUEST_TYPES.reduce((sum, type) => sum + mix[type], 0);
  if (total <= 0) throw new UsageError(`${where}: the mix must give some request type a share`);
}

export { SCENARIO_LIMITS };

/** Checks what single fields cannot: phases in order, and a request log that fits in memory. */
export function checkScenarioBounds(scenario: Scenario, source: string): void {
  for (const [i, phase] of scenario.phases.entries()) {
    if (phase.fromSecond >= phase.toSecond) {
      throw new UsageError(`${source}: phases[${i}] must end after it starts (fromSecond ${phase.fromSecond}, toSecond ${phase.toSecond})`);
    }
  }
  const requests = scenario.rate * scenario.durationSeconds;
  if (requests > SCENARIO_LIMITS.requests) {
    throw new UsageError(
      `${source}: rate x duration is ${Math.round(requests).toLocaleString('en-US')} requests; the lab holds at most ` +
        `${SCENARIO_LIMITS.requests.toLocaleString('en-US')} in memory (lower --rate or --duration)`,
    );
  }
}
