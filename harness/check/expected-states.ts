import type { Expected } from '../results/schema.js';
import { ACK, MESSAGE, type RequestLog } from '../workload/request-log.js';

/**
 * The reference model of the whole service: replays the first `count` requests of the log on
 * a plain Map, with no cache, store or timing, in the order the service applies them. Every
 * (user, channel) not in the result must still hold a fresh state (0 read, 0 mentions).
 */
export function expectedStates(log: RequestLog, count: number): Map<string, Expected> {
  const states = new Map<string, Expected>();
  const get = (userId: number, channelId: number): Expected => {
    const key = `${userId}:${channelId}`;
    let state = states.get(key);
    if (state === undefined) states.set(key, (state = [0, 0]));
    return state;
  };
  for (let i = 0; i < count; i++) {
    const type = log.type[i];
    if (type === ACK || type === MESSAGE) {
      const state = get(log.userId[i]!, log.channelId[i]!);
      state[0] = Math.max(state[0], log.messageId[i]!);
      state[1] = 0;
    }
    if (type === MESSAGE) {
      for (let j = log.listStart[i]!; j < log.listStart[i + 1]!; j++) get(log.list[j]!, log.channelId[i]!)[1]++;
    }
  }
  return states;
}
