import assert from 'node:assert/strict';
import { it } from 'node:test';
import { UsageError } from '../harness/errors.js';
import { loadScenario, parseScenario, scenarioNames } from '../harness/workload/scenario.js';

it('ships its scenarios, all valid', () => {
  assert.deepEqual(scenarioNames(), ['discord-2020', 'discord-2min', 'discord-scale', 'discord-tradeoff', 'reconnect-storm', 'small-cache', 'steady']);
  for (const name of scenarioNames()) assert.equal(loadScenario(name).name, name);
  assert.equal(loadScenario('small-cache').capacity * 10, loadScenario('discord-2min').capacity);
  assert.equal(loadScenario('steady').forcedGc, null);
});

it('rejects a scenario with a bad, missing or unknown field, naming it', () => {
  const good = JSON.parse(JSON.stringify(loadScenario('discord-2min'))) as Record<string, unknown>;
  const broken = (change: (s: Record<string, any>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(good));
    change(copy);
    return copy;
  };
  const cases: Array<[unknown, RegExp]> = [
    [broken((s) => (s.rate = -5)), /"rate" must be a number/],
    [broken((s) => delete s.capacity), /missing field "capacity"/],
    [broken((s) => (s.capacity = 1.5)), /"capacity" must be an integer/],
    [broken((s) => (s.forcedGc.mode = 'lazy')), /"mode" must be one of sync, concurrent/],
    [broken((s) => (s.population.colour = 'red')), /population: unknown field "colour"/],
    [broken((s) => (s.mix = { message: 0, ack: 0, open: 0, reconnect: 0 })), /must give some request type a share/],
    [broken((s) => (s.phases = [{ fromSecond: 1 }])), /phases\[0\]: missing field "toSecond"/],
    [[], /must be a JSON object/],
  ];
  for (const [raw, message] of cases) {
    assert.throws(
      () => parseScenario(raw, 'test.json'),
      (error: Error) => error instanceof UsageError && message.test(error.message),
    );
  }
});

it('names the known scenarios when asked for an unknown one', () => {
  assert.throws(() => loadScenario('no-such-scenario'), /unknown scenario "no-such-scenario"; known: discord-2020, discord-2min/);
});
