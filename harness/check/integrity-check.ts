import type { ReadState } from '../../implementations/contract.js';
import type { Expected, IntegrityResult, Mismatch } from '../results/schema.js';
import { MISMATCHES_KEPT } from '../tuning.js';

/**
 * "Nothing lost", checked against the store, not the cache: after the final flush every dirty
 * state has been written back, so the store alone must hold, for every read state the request
 * log changed, the value the log implies. A cache that never wrote back, or lost a write-back,
 * fails here even when it still holds the right values itself. Then the cache must agree with
 * the same model for every key it holds, and the store must hold nothing the log did not change
 * (a state nobody touched stays fresh).
 */
export function checkIntegrity(expected: Map<string, Expected>, cache: ReadState[], store: ReadState[]): IntegrityResult {
  const mismatches: Mismatch[] = [];
  let mismatchCount = 0;
  let lostCount = 0;
  const report = (mismatch: Mismatch): void => {
    mismatchCount++;
    if (mismatch.where === 'not in store' || mismatch.where === 'store') lostCount++;
    if (mismatches.length < MISMATCHES_KEPT) mismatches.push(mismatch);
  };
  const pair = (state: ReadState): Expected => [state.lastReadMessageId, state.mentionCount];
  const same = (a: Expected, b: Expected): boolean => a[0] === b[0] && a[1] === b[1];
  const fresh: Expected = [0, 0];
  const keyOf = (state: ReadState): string => `${state.userId}:${state.channelId}`;
  const idsOf = (key: string): [number, number] => {
    const [userId = 0, channelId = 0] = key.split(':').map(Number);
    return [userId, channelId];
  };

  const stored = new Map(store.map((state) => [keyOf(state), state]));
  for (const [key, want] of expected) {
    const [userId, channelId] = idsOf(key);
    const inStore = stored.get(key);
    if (inStore === undefined) {
      // A change that leaves the state fresh (an ack of message 0, say) need not be written.
      if (!same(want, fresh)) report({ userId, channelId, expected: want, found: null, where: 'not in store' });
    } else if (!same(want, pair(inStore))) {
      report({ userId, channelId, expected: want, found: pair(inStore), where: 'store' });
    }
  }
  for (const [key, inStore] of stored) {
    if (!expected.has(key) && !same(pair(inStore), fresh)) {
      report({ userId: inStore.userId, channelId: inStore.channelId, expected: fresh, found: pair(inStore), where: 'store' });
    }
  }
  for (const inCache of cache) {
    const want = expected.get(keyOf(inCache)) ?? fresh;
    if (!same(want, pair(inCache))) report({ userId: inCache.userId, channelId: inCache.channelId, expected: want, found: pair(inCache), where: 'cache' });
  }
  const ok = mismatchCount === 0;
  return {
    ok,
    statesChecked: expected.size,
    mismatchCount,
    lostCount,
    ...(ok
      ? {}
      : {
          note: `${lostCount} of ${expected.size} changed read states are not in the store as the request log implies; ${mismatchCount - lostCount} cached states disagree`,
        }),
    mismatches,
  };
}
