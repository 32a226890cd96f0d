import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import { FieldReader, readJsonFile } from '../json-input.js';
import { packageRoot } from '../package-root.js';
import type { RequestMix, Scenario } from '../results/scenario-schema.js';
import { FORCED_GC_MODES, REQUEST_TYPES, type RequestType } from '../results/scenario-schema.js';

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

/** Checks every field of a parsed scenario file; throws a UsageError naming the first bad one. */
export function parseScenario(raw: unknown, source: string): Scenario {
  const fields = new FieldReader(raw, source);
  const population = fields.object('population');
  const forcedGc = fields.nullableObject('forcedGc');
  const scenario: Scenario = {
    name: fields.string('name'),
    description: fields.string('description'),
    durationSeconds: fields.number('durationSeconds', { min: 0.1, max: SCENARIO_LIMITS.durationSeconds }),
    rate: fields.number('rate', { min: 1, max: SCENARIO_LIMITS.rate }),
    capacity: fields.integer('capacity', { min: 1, max: 2 ** 31 - 1 }),
    timeScale: fields.number('timeScale', { min: 0.001, max: SCENARIO_LIMITS.timeScale }),
    forcedGc:
      forcedGc === null
        ? null
        : {
            intervalSeconds: forcedGc.number('intervalSeconds', { min: 0.001, max: SCENARIO_LIMITS.forcedGcIntervalSeconds }),
            mode: forcedGc.oneOf('mode', FORCED_GC_MODES),
            ...forcedGc.rejectUnknown(),
          },
    writeBackDelaySeconds: fields.number('writeBackDelaySeconds', { min: 0, max: SCENARIO_LIMITS.writeBackDelaySeconds }),
    windowSeconds: fields.number('windowSeconds', { min: 0.01, max: SCENARIO_LIMITS.durationSeconds }),
    seed: fields.integer('seed', { min: 0, max: 0xffff_ffff }),
    population: {
      users: population.integer('users', { min: 1, max: 2 ** 32 }),
      guilds: population.integer('guilds', { min: 1, max: 2 ** 26 }),
      channelsPerGuild: population.integer('channelsPerGuild', { min: 1, max: 64 }),
      guildsPerUser: population.integer('guildsPerUser', { min: 1, max: 64 }),
      userSkew: population.number('userSkew', { min: 0, max: 4 }),
      guildSkew: population.number('guildSkew', { min: 0, max: 4 }),
      ...population.rejectUnknown(),
    },
    mix: parseMix(fields.object('mix')),
    phases: fields.array('phases').map((phase) => ({
      fromSecond: phase.number('fromSecond', { min: 0, max: SCENARIO_LIMITS.durationSeconds }),
      toSecond: phase.number('toSecond', { min: 0, max: SCENARIO_LIMITS.durationSeconds }),
      mix: parseMix(phase.object('mix')),
      ...phase.rejectUnknown(),
    })),
    maxMentionsPerMessage: fields.integer('maxMentionsPerMessage', { min: 0, max: 100 }),
    ...(fields.has('store') ? { store: fields.oneOf('store', ['sqlite', 'memory'] as const) } : {}),
  };
  fields.rejectUnknown();
  checkScenarioBounds(scenario, source);
  const channels = scenario.population.guilds * scenario.population.channelsPerGuild;
  if (channels > 2 ** 32) throw new UsageError(`${source}: guilds x channelsPerGuild must fit in 32 bits`);
  return scenario;
}

function parseMix(fields: FieldReader): RequestMix {
  const mix = Object.fromEntries(REQUEST_TYPES.map((type) => [type, fields.number(type, { min: 0 })])) as Record<RequestType, number>;
  fields.rejectUnknown();
  const total = REQUEST_TYPES.reduce((sum, type) => sum + mix[type], 0);
  if (total <= 0) throw new UsageError(`${fields.where}: the mix must give some request type a share`);
  return mix;
}

/**
 * Bounds that keep a run finite and its request log in memory. The log is built up front (about
 * 30 bytes a request), so rate x duration is bounded as a product, not only field by field.
 */
export const SCENARIO_LIMITS = {
  rate: 10_000_000,
  durationSeconds: 86_400,
  timeScale: 10_000,
  forcedGcIntervalSeconds: 86_400,
  writeBackDelaySeconds: 86_400,
  requests: 100_000_000,
} as const;

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
