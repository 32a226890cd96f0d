/**
 * The one contract every read-state cache obeys. The harness, the service and the conformance
 * suite program against this file only; no contender's name appears anywhere else.
 */

/** What a user has read in one channel. */
export interface ReadState {
  /** Unsigned 32-bit integer. */
  userId: number;
  /** Unsigned 32-bit integer. */
  channelId: number;
  /** Integer in [0, 2^53 - 1]: the newest message the user has read in the channel. */
  lastReadMessageId: number;
  /** How many times the user was @mentioned in the channel since their last ack. */
  mentionCount: number;
  /** Milliseconds (scenario time) of the last change; drives the write-back timer. */
  updatedAt: number;
}

/**
 * Receives a state: a dirty one to write back (onEvict, drainDue), or any one (forEach). The
 * state handed to onEvict and drainDue's sink is only valid during the call: a cache may hand
 * the same object every time, refilled, so that a miss that evicts allocates nothing. A sink
 * copies what it keeps (the service copies the numbers into its store queue at once).
 * forEach hands objects the visitor may keep.
 */
export type StateSink = (state: ReadState) => void;

export interface CacheOptions {
  /** The most entries the cache holds; at least 1. */
  readonly capacity: number;
  /** Called with every dirty entry the cache evicts (valid during the call only: see StateSink). */
  readonly onEvict?: StateSink;
}

/**
 * A synchronous in-memory LRU cache of read states.
 *
 * read, ack and mention are the request path: the harness calls them for every request and
 * allocates nothing around them on a hit (test/hit-path-allocates-nothing.test.ts). A float
 * argument (ack's message id, near 2^50) passed to a method V8 does not inline into its caller
 * becomes a new 16-byte heap number on every call, so a contender that wants a hit to allocate
 * nothing keeps these three methods small enough to inline, with no float crossing a call of
 * their own (typed-array.ts does its work in one large method that takes small integers only).
 * A native addon cannot avoid it for ack: every Node-API call boxes its float arguments.
 *
 * `now` arguments are milliseconds from one clock that never goes backwards; `drainDue` relies
 * on entries being dirtied in `updatedAt` order.
 *
 * After `close()`, every method but `close()` throws `closedError` ("<name> cache is closed"):
 * read, ack, mention, insert, drainDue, forEach and offHeapBytes. `size` reads 0, `capacity`
 * keeps its value, and a second `close()` does nothing.
 */
export interface ReadStateCache {
  /** The most entries this cache holds. */
  readonly capacity: number;
  /** How many entries it holds now. */
  readonly size: number;

  /**
   * Copies the state of (userId, channelId) into `into` and marks the entry most recently used.
   * Returns false (and leaves `into` untouched) on a miss.
   */
  read(userId: number, channelId: number, into: ReadState): boolean;

  /**
   * Sets lastReadMessageId to max(current, messageId), mentionCount to 0 and updatedAt to `now`;
   * marks the entry dirty and most recently used. Returns false on a miss.
   */
  ack(userId: number, channelId: number, messageId: number, now: number): boolean;

  /**
   * Adds one to mentionCount and sets updatedAt to `now`; marks the entry dirty and most
   * recently used. Returns false on a miss.
   */
  mention(userId: number, channelId: number, now: number): boolean;

  /**
   * Adds `state` (loaded from the store, so clean) as the most recently used entry, replacing
   * any entry with the same ids. When the cache is full it first evicts the least recently used
   * entry and hands it to `onEvict` if that entry was dirty.
   */
  insert(state: ReadState, now: number): void;

  /**
   * Hands each dirty entry with updatedAt <= olderThan to `sink` (valid during the call only:
   * see StateSink), oldest first, and marks it clean; at most `max` of them. Does not change
   * LRU order. Returns how many.
   */
  drainDue(olderThan: number, sink: StateSink, max?: number): number;

  /** Visits a copy of every entry (for the end-of-run check and state dumps), in no set order. */
  forEach(visit: StateSink): void;

  /**
   * Bytes this cache holds that neither the V8 heap nor its ArrayBuffers account for (memory a
   * native addon allocated itself). Zero for caches made of JS objects and typed arrays.
   */
  offHeapBytes(): number;

  /** Releases what the cache holds; any later call but `close()` throws (see above). */
  close(): void;
}

/** What the registry knows of each contender, for `list`, the runner and the report. */
export interface ContenderInfo {
  readonly name: string;
  readonly description: string;
  /** Node flags the contender's child process needs on top of the harness's own. */
  readonly nodeFlags: readonly string[];
  /** Why the contender cannot run on this machine, or undefined when it can. */
  readonly unavailableReason: () => string | undefined;
  /**
   * 'partition' for a cache split into shards by user (implementations/partition-of.ts), each
   * with its own capacity and LRU order; 'global' (the default) for one LRU order over all.
   */
  readonly lruScope?: 'global' | 'partition';
  readonly create: (options: CacheOptions) => ReadStateCache;
}

export function emptyState(): ReadState {
  return { userId: 0, channelId: 0, lastReadMessageId: 0, mentionCount: 0, updatedAt: 0 };
}

/** A state as a store miss gives it: nothing read, no mentions. */
export function freshState(userId: number, channelId: number, now: number): ReadState {
  return { userId, channelId, lastReadMessageId: 0, mentionCount: 0, updatedAt: now };
}

export const MAX_ID = 0xffff_ffff;

/** The error every cache throws from a call after `close()`; `name` is the contender's. */
export function closedError(name: string): Error {
  return new Error(`${name} cache is closed`);
}

/** Throws a clear error unless `capacity` is an integer the caches can hold. */
export function checkCapacity(capacity: number, limit = 2 ** 31 - 1): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > limit) {
    throw new RangeError(`capacity must be an integer from 1 to ${limit}, got ${capacity}`);
  }
}
