import type { ReadState } from '../../implementations/contract.js';
import type { Expected, IntegrityResult, Mismatch } from '../results/schema.js';
import { MISMATCHES_KEPT } from '../tuning.js';

/**
 * "Nothing lost": after the final flush, the cache (where it holds a key) or else the store must
 * give every read state the value the request log implies; keys the log never changed must be
 * fresh; and a cached entry, clean after the flush, must agree with the store.
 */
export function checkIntegrity(expected: Map<string, Expected>, cache: ReadState[], store: ReadState[]): IntegrityResult {
  const mismatches: Mismatch[] = [];
  let mismatchCount = 0;
  const report = (mismatch: Mismatch): void => {
    mismatchCount++;
    if (mismatches.length < MISMATCHES_KEPT) mismatches.push(mismatch);
  };
  const pair = (state: ReadState): Expected => [state.lastReadMessageId, state.mentionCount];
  const same = (a: Expected, b: Expected): boolean => a[0] === b[0] && a[1] === b[1];
  const fresh: Expected = [0, 0];

  const cached = new Map(cache.map((state) => [`${state.userId}:${state.channelId}`, state]));
  const stored = new Map(store.map((state) => [`${state.userId}:${state.channelId}`, state]));
  const keys = new Set([...expected.keys(), ...cached.keys(), ...stored.keys()]);
  for (const key of keys) {
    const [userId, channelId] = key.split(':').map(Number) as [number, number];
    const want = expected.get(key) ?? fresh;
    const inCache = cached.get(key);
    const inStore = stored.get(key);
    const found = inCache ?? inStore;
    const got = found === undefined ? fresh : pair(found);
    if (!same(want, got)) {
      report({ userId, channelId, expected: want, found: found === undefined ? null : got, where: inCache ? 'cache' : inStore ? 'store' : 'nowhere' });
    } else if (inCache !== undefined && inStore !== undefined && !same(pair(inCache), pair(inStore))) {
      report({ userId, channelId, expected: want, found: pair(inStore), where: 'stale store' });
    }
  }
  return { ok: mismatchCount === 0, statesChecked: expected.size, mismatchCount, mismatches };
}
