import { SharedRing, type SharedRingBuffers } from './shared-ring.js';

/**
 * The shared memory through which a store client and its worker exchange batches (loads and
 * write-backs one way, their answers the other): two rings (store/shared-ring.ts) and a few
 * signal words. Dumps, closing and startup still travel as messages (store/protocol.ts).
 *
 * Neither side sends a message per batch. The client wakes the worker with Atomics.notify on
 * REQUESTS_PUT, which the worker awaits with Atomics.waitAsync. The worker wakes the client
 * only while CLIENT_POLLING is 0, with one small message at a time (WAKE_POSTED): a thread
 * that polls (the in-process driver, between requests) finds its answers without an
 * event-loop turn; one that does not (a server, a partition) gets a message, as before.
 */
export interface BatchChannelBuffers {
  readonly requests: SharedRingBuffers;
  readonly replies: SharedRingBuffers;
  readonly signals: SharedArrayBuffer;
}

/** Numbers of the request ring: a batch of about 13,000 write-backs fits at once. */
export const REQUEST_RING_CAPACITY = 1 << 16;
/**
 * Numbers of the reply ring: four times the request ring, so any one answer fits (a refused
 * batch returns its writes, a batch of loads FOUND_WIDTH + 1 numbers per load).
 */
export const REPLY_RING_CAPACITY = 1 << 18;

/** Signal words (Int32Array indices). */
export const REQUESTS_PUT = 0;
export const CLIENT_POLLING = 1;
export const WAKE_POSTED = 2;
const SIGNAL_WORDS = 4;

/** A request: seq, resume (0 or 1), write count, load count; then WRITE_WIDTH numbers per write, LOAD_RECORD per load. */
export const REQUEST_HEADER = 4;
/** userId, channelId, and the tag the answer carries back. */
export const LOAD_RECORD = 3;

/**
 * A reply: seq, flags, writes it acknowledges, loads it answers, length of its text; then the
 * text (one number per UTF-16 unit: why writes or loads failed), then, if REFUSED, the count and
 * WRITE_WIDTH numbers of every write of the batch, then per load its tag and, if FOUND, the
 * FOUND_WIDTH numbers of the answer.
 */
export const REPLY_HEADER = 5;
/** The batch's writes are committed (these ones: see the acknowledged count). */
export const PERSISTED = 1;
/** Further parts of the batch's answer follow (a store latency profile answers in parts). */
export const MORE = 2;
/** The loads are answered with states; without it, they failed for the reason in the text. */
export const FOUND = 4;
/** The writes were refused: the reply carries them back, to be resent in order. */
export const REFUSED = 8;
/** The batch resumed the store or carried writes, so its success means the store works again. */
export const RECOVERS = 16;

export function allocateBatchChannel(): BatchChannelBuffers {
  return {
    requests: SharedRing.allocate(REQUEST_RING_CAPACITY),
    replies: SharedRing.allocate(REPLY_RING_CAPACITY),
    signals: new SharedArrayBuffer(SIGNAL_WORDS * 4),
  };
}
