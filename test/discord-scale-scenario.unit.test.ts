import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Membership } from '../harness/workload/population.js';
import { loadScenario } from '../harness/workload/scenario.js';

/**
 * discord-scale is the issue's own figures: 5 million cached read states, 100,000 requests a
 * second, a forced GC every 2 minutes of scenario time played every 5 s of wall time, 20 s. The
 * population must hold at least twice as many read states as the cache, so that warming fills
 * it and the load still misses now and then.
 */
it('discord-scale is Discord at scale, with a population twice the cache', () => {
  const scenario = loadScenario('discord-scale');
  assert.equal(scenario.capacity, 5_000_000);
  assert.equal(scenario.rate, 100_000);
  assert.equal(scenario.durationSeconds, 20);
  assert.deepEqual(scenario.forcedGc, { intervalSeconds: 120, mode: 'sync' });
  assert.equal((scenario.forcedGc!.intervalSeconds * 1000) / scenario.timeScale, 5_000, 'a forced GC every 5 s of wall time');
  const { users, guildsPerUser, channelsPerGuild } = scenario.population;
  assert.ok(users * guildsPerUser * channelsPerGuild >= 2 * scenario.capacity);
  // A user drawing a popular guild twice joins it once: count the states that really exist.
  const membership = new Membership(scenario.population, scenario.seed);
  let states = 0;
  for (let user = 0; user < users; user++) states += membership.guildsOf(user).length * channelsPerGuild;
  assert.ok(states >= 2 * scenario.capacity, `${states} read states exist`);
});
