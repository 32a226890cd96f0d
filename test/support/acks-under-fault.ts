import assert from 'node:assert/strict';
import type { ReadState } from '../../implementations/contract.js';
import { call } from './server-process.js';

/**
 * Acks sent to a service while a fault is done to its database, and what they show: every ack the
 * service acknowledged (200) must be in the table afterwards, whatever the fault did; an ack it
 * refused says 503. Several loops send at once, so that write-backs are in flight when the fault
 * falls; each loop owns its users, so a user's acks are answered in the order they were sent.
 */

/** Message ids above any the lab's scenarios use, so a state found in the table is one of these acks. */
export const BIG_MESSAGE_ID = 2 ** 50;

export interface AckLoad {
  readonly url: string;
  /** How long to send acks for. */
  readonly durationMs: number;
  /** When the fault falls, in ms from the first ack; `fault` runs then, `heal` (if any) at healAtMs. */
  readonly faultAtMs: number;
  readonly fault: () => void;
  readonly healAtMs?: number;
  readonly heal?: () => void;
  readonly channelId: number;
  /** Users 1..users, spread over the loops; many more than the service's cache holds, so acks miss and evict. */
  readonly users: number;
  readonly loops: number;
  /** The least time between one loop's acks, so the services of a test share the cores. */
  readonly pauseMs: number;
}

export interface AckAnswer {
  readonly sentMs: number;
  readonly answeredMs: number;
  /** The HTTP status, or 0 when no answer came (a connection refused or dropped). */
  readonly status: number;
  readonly error?: string;
}

export interface AckLoadOutcome {
  /** Per user, the highest message id the service acknowledged. */
  readonly acknowledged: Map<number, number>;
  readonly answers: readonly AckAnswer[];
  /** When the fault fell and (if it did) healed, in ms from the first ack. */
  readonly faultMs: number;
  readonly healMs: number | undefined;
}

export async function sendAcksThroughFault(load: AckLoad): Promise<AckLoadOutcome> {
  const acknowledged = new Map<number, number>();
  const answers: AckAnswer[] = [];
  const started = performance.now();
  const now = (): number => performance.now() - started;
  let faultMs: number | undefined;
  let healMs: number | undefined;
  const faultTimer = setTimeout(() => {
    faultMs = now();
    load.fault();
  }, load.faultAtMs);
  const healTimer =
    load.heal === undefined
      ? undefined
      : setTimeout(() => {
          healMs = now();
          load.heal?.();
        }, load.healAtMs ?? load.faultAtMs);
  let next = 0;
  const loop = async (index: number): Promise<void> => {
    for (let round = 0; now() < load.durationMs; round++) {
      const user = 1 + ((round * load.loops + index) % load.users);
      const messageId = BIG_MESSAGE_ID + ++next;
      const sentMs = now();
      let answer: AckAnswer;
      try {
        const { status, json } = await call(load.url, 'POST', '/acks', { userId: user, channelId: load.channelId, messageId });
        answer = { sentMs, answeredMs: now(), status, ...(status === 200 ? {} : { error: JSON.stringify(json).slice(0, 200) }) };
      } catch (error) {
        answer = { sentMs, answeredMs: now(), status: 0, error: String(error) };
      }
      answers.push(answer);
      if (answer.status === 200) acknowledged.set(user, Math.max(acknowledged.get(user) ?? 0, messageId));
      const rest = load.pauseMs - (answer.answeredMs - sentMs);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  };
  try {
    await Promise.all(Array.from({ length: load.loops }, (_, index) => loop(index)));
  } finally {
    clearTimeout(faultTimer);
    if (healTimer !== undefined) clearTimeout(healTimer);
  }
  assert.ok(faultMs !== undefined, `the fault fell within the load (at ${load.faultAtMs} ms of ${load.durationMs} ms)`);
  return { acknowledged, answers, faultMs, healMs };
}

/** What the answers say about the fault, for the test's diagnostics and docs/cassandra.md. */
export interface FaultFigures {
  readonly acks: number;
  readonly ok: number;
  readonly refused: number;
  readonly unanswered: number;
  /** The longest any ack waited for its answer. */
  readonly longestWaitMs: number;
  /** The longest time after the fault in which no ack was acknowledged. */
  readonly longestGapMs: number;
  /** From the fault to the first 200 after the last refusal (0 when nothing was refused). */
  readonly recoveredAfterMs: number;
}

export function faultFigures(outcome: AckLoadOutcome): FaultFigures {
  const { answers, faultMs } = outcome;
  const ok = answers.filter((answer) => answer.status === 200);
  const refused = answers.filter((answer) => answer.status === 503);
  const okTimes = ok.map((answer) => answer.answeredMs).sort((a, b) => a - b);
  let longestGapMs = 0;
  let previous = faultMs;
  for (const time of okTimes.filter((time) => time > faultMs)) {
    longestGapMs = Math.max(longestGapMs, time - previous);
    previous = time;
  }
  const lastRefusal = Math.max(...refused.map((answer) => answer.answeredMs), -1);
  const firstOkAfter = okTimes.find((time) => time > lastRefusal);
  return {
    acks: answers.length,
    ok: ok.length,
    refused: refused.length,
    unanswered: answers.filter((answer) => answer.status === 0).length,
    longestWaitMs: Math.max(0, ...answers.map((answer) => answer.answeredMs - answer.sentMs)),
    longestGapMs,
    recoveredAfterMs: lastRefusal < 0 || firstOkAfter === undefined ? 0 : firstOkAfter - faultMs,
  };
}

/** "1,234 acks: 1,200 ok, 34 refused (503), ..." */
export function describeFaultFigures(figures: FaultFigures): string {
  const ms = (value: number): string => `${Math.round(value)} ms`;
  return (
    `${figures.acks} acks: ${figures.ok} ok, ${figures.refused} refused (503), ${figures.unanswered} unanswered; ` +
    `longest wait ${ms(figures.longestWaitMs)}, longest gap without an ok after the fault ${ms(figures.longestGapMs)}, ` +
    `oks again ${ms(figures.recoveredAfterMs)} after the fault`
  );
}

/** Asserts that every answer was 200 or a 503 naming the failing store, and that acks were acknowledged after the fault. */
export function assertOnlyOkOrRefused(outcome: AckLoadOutcome, service: string): void {
  for (const answer of outcome.answers) {
    if (answer.status === 200) continue;
    assert.equal(answer.status, 503, `${service}: an ack was answered ${answer.status}: ${answer.error}`);
    // Node and Rust say "store failing", Go names the store's load or write that failed.
    assert.match(answer.error ?? '', /store/i, `${service}: a 503 names the store`);
  }
  const after = outcome.healMs ?? outcome.faultMs;
  assert.ok(
    outcome.answers.some((answer) => answer.status === 200 && answer.sentMs > after),
    `${service}: acks were acknowledged again after the fault (${describeFaultFigures(faultFigures(outcome))})`,
  );
}

/** The users whose acknowledged ack is not in `stored` (the table read back) at its message id or a later one. */
export function acknowledgedButMissing(acknowledged: ReadonlyMap<number, number>, stored: readonly ReadState[], channelId: number): Array<[number, number]> {
  const found = new Map(stored.filter((state) => state.channelId === channelId).map((state) => [state.userId, state.lastReadMessageId]));
  return [...acknowledged].filter(([user, messageId]) => (found.get(user) ?? 0) < messageId);
}

/** Asserts that every acknowledged ack is in `stored` (the table read back), at its message id or a later one. */
export function assertNothingAcknowledgedLost(
  acknowledged: ReadonlyMap<number, number>,
  stored: readonly ReadState[],
  channelId: number,
  service: string,
): void {
  assert.ok(acknowledged.size > 0, `${service}: some acks were acknowledged`);
  const found = new Map(stored.filter((state) => state.channelId === channelId).map((state) => [state.userId, state.lastReadMessageId]));
  const lost = acknowledgedButMissing(acknowledged, stored, channelId);
  assert.deepEqual(
    lost
      .slice(0, 5)
      .map(([user, messageId]) => `user ${user}: acknowledged ${messageId - BIG_MESSAGE_ID}, found ${(found.get(user) ?? BIG_MESSAGE_ID) - BIG_MESSAGE_ID}`),
    [],
    `${service}: ${lost.length} of ${acknowledged.size} acknowledged acks are not in the table`,
  );
}
