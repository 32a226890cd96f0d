import type { Scenario } from '../../harness/results/scenario-schema.js';
import { loadScenario } from '../../harness/workload/scenario.js';

/** discord-2min shrunk to run in a second or two: a tiny population, cache and rate. */
export function smallScenario(overrides: Partial<Scenario> = {}): Scenario {
  const base = loadScenario('discord-2min');
  return {
    ...base,
    durationSeconds: 1,
    rate: 2000,
    capacity: 300,
    timeScale: 240,
    population: { ...base.population, users: 2000, guilds: 100, channelsPerGuild: 3, guildsPerUser: 2 },
    ...overrides,
  };
}
