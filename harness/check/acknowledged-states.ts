import type { ReadState } from '../../implementations/contract.js';
import type { IntegrityResult, Mismatch } from '../results/schema.js';
import { MISMATCHES_KEPT } from '../tuning.js';
import { ACK, MESSAGE, OPEN, type RequestLog } from '../workload/request-log.js';

/** What one request of a service-level run came to. */
export const NOT_SENT = 0;
export const ANSWERED_2XX = 1;
/** Sent but not answered 2xx (an error, a timeout, a 4xx or 5xx): it may or may not have applied. */
export const UNCERTAIN = 2;

/** The values a read state may end with, given which requests were acknowledged. */
interface Bounds {
  lastReadMin: number;
  lastReadMax: number;
  mentionsMin: number;
  mentionsMax: number;
}

/**
 * Nothing lost at service level. Over HTTP, concurrent connections let the service apply
 * requests in another order than the log's, so the final states are bounded, not exact:
 * - lastReadMessageId is max-wins, so order-free: at least the largest acknowledged ack of the
 *   key, at most the largest one sent (a request that failed at the client may still have
 *   applied);
 * - mentionCount is reset by acks, so it is exact only for keys no ack was sent to: there it is
 *   at least the acknowledged mentions and at most the sent ones. Elsewhere it is at most the
 *   mentions sent.
 * A service that lost an acknowledged write ends below a lower bound; one that applied a write
 * twice or invented one ends above an upper bound.
 */
export function checkAcknowledgedStates(log: RequestLog, outcomes: Uint8Array, stored: readonly ReadState[]): IntegrityResult {
  const bounds = new Map<string, Bounds>();
  const acked = new Set<string>();
  const get = (userId: number, channelId: number): Bounds => {
    const key = `${userId}:${channelId}`;
    let b = bounds.get(key);
    if (b === undefined) bounds.set(key, (b = { lastReadMin: 0, lastReadMax: 0, mentionsMin: 0, mentionsMax: 0 }));
    return b;
  };
  for (let i = 0; i < log.count; i++) {
    const outcome = outcomes[i]!;
    const type = log.type[i];
    if (outcome === NOT_SENT || type === OPEN || (type !== ACK && type !== MESSAGE)) continue;
    const b = get(log.userId[i]!, log.channelId[i]!);
    acked.add(`${log.userId[i]}:${log.channelId[i]}`);
    const messageId = log.messageId[i]!;
    b.lastReadMax = Math.max(b.lastReadMax, messageId);
    if (outcome === ANSWERED_2XX) b.lastReadMin = Math.max(b.lastReadMin, messageId);
    if (type !== MESSAGE) continue;
    for (let j = log.listStart[i]!; j < log.listStart[i + 1]!; j++) {
      const mentioned = get(log.list[j]!, log.channelId[i]!);
      mentioned.mentionsMax++;
      if (outcome === ANSWERED_2XX) mentioned.mentionsMin++;
    }
  }

  const mismatches: Mismatch[] = [];
  let mismatchCount = 0;
  let lostCount = 0;
  const byKey = new Map(stored.map((state) => [`${state.userId}:${state.channelId}`, state]));
  for (const [key, b] of bounds) {
    const state = byKey.get(key);
    const lastRead = state?.lastReadMessageId ?? 0;
    const mentions = state?.mentionCount ?? 0;
    const mentionsMin = acked.has(key) ? 0 : b.mentionsMin;
    if (lastRead >= b.lastReadMin && lastRead <= b.lastReadMax && mentions >= mentionsMin && mentions <= b.mentionsMax) continue;
    mismatchCount++;
    if (lastRead < b.lastReadMin || mentions < mentionsMin) lostCount++;
    if (mismatches.length < MISMATCHES_KEPT) {
      const [userId = 0, channelId = 0] = key.split(':').map(Number);
      mismatches.push({
        userId,
        channelId,
        expected: [b.lastReadMin, mentionsMin],
        found: state === undefined ? null : [lastRead, mentions],
        where: state === undefined ? 'not in store' : 'store',
      });
    }
  }
  for (const [key, state] of byKey) {
    if (bounds.has(key) || (state.lastReadMessageId === 0 && state.mentionCount === 0)) continue;
    mismatchCount++;
    if (mismatches.length < MISMATCHES_KEPT)
      mismatches.push({
        userId: state.userId,
        channelId: state.channelId,
        expected: [0, 0],
        found: [state.lastReadMessageId, state.mentionCount],
        where: 'store',
      });
  }
  const ok = mismatchCount === 0;
  return {
    ok,
    statesChecked: bounds.size,
    mismatchCount,
    lostCount,
    note: ok
      ? `the store after shutdown holds every acknowledged write (${bounds.size} read states checked within the bounds concurrent requests allow)`
      : `${mismatchCount} of ${bounds.size} read states in the store after shutdown are outside what the acknowledged requests imply`,
    mismatches,
  };
}
