import { writeFile } from 'node:fs/promises';
import type { ReadState } from '../../implementations/contract.js';

/**
 * Writes the read states the service holds at the end (the cache's where it has one, else the
 * store's) as NDJSON sorted by user then channel, so two runs' dumps compare with `diff`.
 * Fresh states (nothing read, no mentions) are left out: they equal having no state at all, and
 * which of them happen to be cached depends on the cache, not on the requests.
 */
export async function writeStates(path: string, cache: readonly ReadState[], store: readonly ReadState[]): Promise<void> {
  const byKey = new Map<string, ReadState>();
  for (const state of store) byKey.set(`${state.userId}:${state.channelId}`, state);
  for (const state of cache) byKey.set(`${state.userId}:${state.channelId}`, state);
  const states = [...byKey.values()]
    .filter((state) => state.lastReadMessageId !== 0 || state.mentionCount !== 0)
    .sort((a, b) => a.userId - b.userId || a.channelId - b.channelId);
  const lines = states.map(({ userId, channelId, lastReadMessageId, mentionCount }) => JSON.stringify({ userId, channelId, lastReadMessageId, mentionCount }));
  await writeFile(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}
