import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedStates } from '../harness/check/expected-states.js';
import { checkIntegrity } from '../harness/check/integrity-check.js';
import { Workload } from '../harness/workload/workload.js';
import { contenders } from '../implementations/registry.js';
import { replay } from './support/run-service.js';
import { smallScenario } from './support/small-scenario.js';

const scenario = smallScenario();
const runnableContenders = (): string[] => contenders.filter((contender) => contender.unavailableReason() === undefined).map((contender) => contender.name);
const log = new Workload(scenario, 11).generate(4000, 1000, 11);

describe('the service loses no read state', () => {
  for (const store of ['memory', 'sqlite'] as const) {
    for (const contender of runnableContenders()) {
      it(`${contender} over the ${store} store, with a cache far smaller than the states touched`, async () => {
        const service = await replay(log, { contender, capacity: 50, store });
        const counters = service.counters();
        assert.ok(counters.evictions > 500, `evictions ${counters.evictions}`);
        assert.ok(counters.writeBacks > 100, `write-backs ${counters.writeBacks}`);
        await service.flush();
        const { cache, store: stored } = await service.contents();
        const result = checkIntegrity(expectedStates(log, log.count), cache, stored);
        assert.deepEqual(result.mismatches, []);
        assert.equal(result.ok, true);
        assert.ok(result.statesChecked > 1000);
        await service.close();
      });
    }
  }

  it('the check catches a lost update, a state missing from the store, a wrong cache and a state that should not exist', () => {
    const expected = expectedStates(log, log.count);
    const [someKey, [lastRead, mentions]] = [...expected.entries()].find(([, value]) => value[1] > 0)!;
    const [userId, channelId] = someKey.split(':').map(Number) as [number, number];
    const all = [...expected.entries()].map(([key, [l, m]]) => {
      const [u, c] = key.split(':').map(Number) as [number, number];
      return { userId: u, channelId: c, lastReadMessageId: l, mentionCount: m, updatedAt: 0 };
    });
    assert.equal(checkIntegrity(expected, [], all).ok, true);
    const lost = all.map((s) => (s.userId === userId && s.channelId === channelId ? { ...s, mentionCount: mentions - 1 } : s));
    const lostResult = checkIntegrity(expected, [], lost);
    assert.equal(lostResult.mismatchCount, 1);
    assert.deepEqual(lostResult.mismatches[0]?.found, [lastRead, mentions - 1]);
    const cachedRight = all.find((s) => s.userId === userId && s.channelId === channelId)!;
    // The cache holding the right value does not save a store that lost it.
    const staleStore = checkIntegrity(expected, [cachedRight], lost);
    assert.deepEqual([staleStore.ok, staleStore.lostCount, staleStore.mismatches[0]?.where], [false, 1, 'store']);
    const missing = checkIntegrity(
      expected,
      [cachedRight],
      all.filter((s) => s !== cachedRight),
    );
    assert.deepEqual([missing.lostCount, missing.mismatches[0]?.where], [1, 'not in store']);
    const wrongCache = checkIntegrity(expected, [{ ...cachedRight, lastReadMessageId: lastRead + 1 }], all);
    assert.deepEqual([wrongCache.ok, wrongCache.lostCount, wrongCache.mismatches[0]?.where], [false, 0, 'cache']);
    const extra = [...all, { userId: 1e9, channelId: 1, lastReadMessageId: 5, mentionCount: 0, updatedAt: 0 }];
    assert.equal(checkIntegrity(expected, [], extra).mismatchCount, 1);
  });
});
