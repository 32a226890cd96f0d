import { writeFile } from 'node:fs/promises';
import type { ReadState } from '../implementations/contract.js';

/**
 * Writes the read states the service holds at the end (the cache's where it has one, else the
 * store's) as NDJSON sorted by user then channel, so two runs' dumps compare with `diff`.
 */
export async function writeStates(path: string, cache: readonly ReadState[], store: readonly ReadState[]): Promise<void> {
  const byKey = new Map<string, ReadState>();
  for (const state of store) byKey.set(`${state.userId}:${state.channelId}`, state);
  for (const state of cache) byKey.set(`${state.userId}:${state.channelId}`, state);
  const states = [...byKey.values()].sort((a, b) => a.userId - b.userId || a.channelId - b.channelId);
  const lines = states.map(({ userId, channelId, lastReadMessageId, mentionCount }) =>
    JSON.stringify({ userId, channelId, lastReadMessageId, mentionCount }),
  );
  await writeFile(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}
