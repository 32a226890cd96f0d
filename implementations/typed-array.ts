import { type CacheOptions, checkCapacity, closedError, emptyState, type ReadState, type ReadStateCache, type StateSink } from './contract.js';

/** "No slot": the end of a list, or an empty index bucket's content minus one. */
const NONE = 0xffff_ffff;
/** In `dirtyPrev`, marks a slot that is not on the dirty list. */
const CLEAN = 0xffff_fffe;
/**
 * Index buckets per entry. Linear probing stays short at this load (2.5 probes per hit, about
 * 8 per miss on average) while the index costs 5.3 bytes per entry.
 */
const INDEX_LOAD_FACTOR = 0.75;
/** What #hit does after finding the entry. */
const HIT_READ = 0;
const HIT_ACK = 1;
const HIT_MENTION = 2;

/**
 * Read states as a struct of arrays: every field of entry `slot` lives at index `slot` of one
 * preallocated typed array. There is no JS object per entry, so a major GC has nothing of the
 * cache to mark but a dozen ArrayBuffers, and the hit path allocates nothing.
 *
 * Three structures thread through the same slots:
 * - an open-addressing index (linear probing, backward-shift deletion, no tombstones) mapping
 *   (userId, channelId) to slot + 1, 0 meaning an empty bucket;
 * - the LRU list, doubly linked through `prev`/`next`, least recently used at `#head`;
 * - the dirty list, doubly linked through `dirtyPrev`/`dirtyNext` in the order entries were
 *   last updated, oldest at `#dirtyHead`, so `drainDue` takes due entries from the front and
 *   stops at the first one not yet due.
 *
 * Invariants (checked by `checkInvariants`, which the tests call):
 * - slots 0 .. size-1 are live and every one is on the LRU list exactly once; the contract has
 *   no delete, so a slot is only ever freed by evicting it and reused at once (no free list);
 * - next[prev[i]] === i for every non-head i, and prev[next[i]] === i for every non-tail i;
 * - the index holds exactly the live slots, each findable from its key's home bucket;
 * - dirtyPrev[i] === CLEAN exactly for clean slots; the dirty list is linked both ways and
 *   sorted by updatedAt.
 */
export class TypedArrayCache implements ReadStateCache {
  readonly capacity: number;
  #size = 0;
  readonly #onEvict: StateSink | undefined;
  /** What onEvict and drainDue's sink are handed, refilled each time (#handOut). */
  readonly #handedOut: ReadState = emptyState();
  #closed = false;

  readonly #userId: Uint32Array;
  readonly #channelId: Uint32Array;
  readonly #lastRead: Float64Array;
  readonly #mentions: Uint32Array;
  readonly #updatedAt: Float64Array;
  readonly #prev: Uint32Array;
  readonly #next: Uint32Array;
  #head = NONE;
  #tail = NONE;
  readonly #dirtyPrev: Uint32Array;
  readonly #dirtyNext: Uint32Array;
  #dirtyHead = NONE;
  #dirtyTail = NONE;
  readonly #index: Uint32Array;
  readonly #buckets: number;

  constructor(options: CacheOptions) {
    checkCapacity(options.capacity);
    const n = options.capacity;
    this.capacity = n;
    this.#onEvict = options.onEvict;
    this.#userId = new Uint32Array(n);
    this.#channelId = new Uint32Array(n);
    this.#lastRead = new Float64Array(n);
    this.#mentions = new Uint32Array(n);
    this.#updatedAt = new Float64Array(n);
    this.#prev = new Uint32Array(n);
    this.#next = new Uint32Array(n);
    this.#dirtyPrev = new Uint32Array(n);
    this.#dirtyNext = new Uint32Array(n);
    // At least one empty bucket always exists, so every probe sequence ends.
    this.#buckets = Math.max(n + 1, Math.ceil(n / INDEX_LOAD_FACTOR));
    this.#index = new Uint32Array(this.#buckets);
  }

  get size(): number {
    return this.#size;
  }

  /*
   * read, ack and mention are thin: each is one call to #hit, which does the work of a hit, and
   * a line or two of its own. A caller's optimizing compiler (V8's TurboFan) then inlines them
   * wherever they are called, so the floats a caller passes (ack's message id, near 2^50) never
   * cross a call, where V8 would allocate a heap number for each. #hit takes small integers only.
   */

  read(userId: number, channelId: number, into: ReadState): boolean {
    const slot = this.#hit(userId, channelId, HIT_READ, 0);
    if (slot === NONE) return false;
    into.userId = userId;
    into.channelId = channelId;
    into.lastReadMessageId = this.#lastRead[slot]!;
    into.mentionCount = this.#mentions[slot]!;
    into.updatedAt = this.#updatedAt[slot]!;
    return true;
  }

  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    const slot = this.#hit(userId, channelId, HIT_ACK, now);
    if (slot === NONE) return false;
    if (messageId > this.#lastRead[slot]!) this.#lastRead[slot] = messageId;
    return true;
  }

  mention(userId: number, channelId: number, now: number): boolean {
    return this.#hit(userId, channelId, HIT_MENTION, now) !== NONE;
  }

  insert(state: ReadState, _now: number): void {
    if (this.#closed) throw closedError('typed-array');
    let slot = this.#find(state.userId, state.channelId);
    if (slot !== NONE) {
      this.#unlinkDirty(slot);
      this.#moveToTail(slot);
    } else {
      if (this.#size < this.capacity) {
        slot = this.#size++;
      } else {
        slot = this.#evictHead();
      }
      this.#userId[slot] = state.userId;
      this.#channelId[slot] = state.channelId;
      this.#dirtyPrev[slot] = CLEAN;
      this.#addToIndex(slot);
      this.#linkAtTail(slot);
    }
    this.#lastRead[slot] = state.lastReadMessageId;
    this.#mentions[slot] = state.mentionCount;
    this.#updatedAt[slot] = state.updatedAt;
  }

  drainDue(olderThan: number, sink: StateSink, max = Infinity): number {
    if (this.#closed) throw closedError('typed-array');
    let drained = 0;
    while (drained < max && this.#dirtyHead !== NONE && this.#updatedAt[this.#dirtyHead]! <= olderThan) {
      const slot = this.#dirtyHead;
      this.#unlinkDirty(slot);
      sink(this.#handOut(slot));
      drained++;
    }
    return drained;
  }

  forEach(visit: StateSink): void {
    if (this.#closed) throw closedError('typed-array');
    for (let slot = 0; slot < this.#size; slot++) visit(this.#copy(slot));
  }

  offHeapBytes(): number {
    if (this.#closed) throw closedError('typed-array');
    return 0;
  }

  close(): void {
    this.#closed = true;
    this.#size = 0;
    this.#head = this.#tail = this.#dirtyHead = this.#dirtyTail = NONE;
    this.#index.fill(0);
  }

  /** Throws, saying which, if any invariant in the class comment does not hold. For tests. */
  checkInvariants(): void {
    const fail = (what: string): never => {
      throw new Error(`typed-array invariant broken: ${what}`);
    };
    let count = 0;
    for (let slot = this.#head, before = NONE; slot !== NONE; before = slot, slot = this.#next[slot]!) {
      if (slot >= this.#size) fail(`LRU list reaches slot ${slot} beyond size ${this.#size}`);
      if (this.#prev[slot] !== before) fail(`prev[${slot}] is ${this.#prev[slot]}, expected ${before}`);
      if (++count > this.#size) fail('LRU list has a cycle');
      if (this.#next[slot] === NONE && this.#tail !== slot) fail('LRU tail is not the last slot of the list');
    }
    if (count !== this.#size) fail(`LRU list holds ${count} slots, size is ${this.#size}`);
    let indexed = 0;
    for (let bucket = 0; bucket < this.#buckets; bucket++) {
      if (this.#index[bucket] === 0) continue;
      indexed++;
      const slot = this.#index[bucket]! - 1;
      if (slot >= this.#size) fail(`index bucket ${bucket} holds dead slot ${slot}`);
      if (this.#find(this.#userId[slot]!, this.#channelId[slot]!) !== slot) fail(`slot ${slot} not findable by its key`);
    }
    if (indexed !== this.#size) fail(`index holds ${indexed} entries, size is ${this.#size}`);
    let dirty = 0;
    for (let slot = this.#dirtyHead, before = NONE; slot !== NONE; before = slot, slot = this.#dirtyNext[slot]!) {
      if (this.#dirtyPrev[slot] !== before) fail(`dirtyPrev[${slot}] is ${this.#dirtyPrev[slot]}, expected ${before}`);
      if (before !== NONE && this.#updatedAt[before]! > this.#updatedAt[slot]!) fail('dirty list not in updatedAt order');
      if (++dirty > this.#size) fail('dirty list has a cycle');
    }
    let marked = 0;
    for (let slot = 0; slot < this.#size; slot++) if (this.#dirtyPrev[slot] !== CLEAN) marked++;
    if (marked !== dirty) fail(`${marked} slots marked dirty, ${dirty} on the dirty list`);
  }

  /**
   * The work of a hit, written out in one method: find the entry, make it the most recently
   * used, and for an ack or a mention update its mention count and make it the newest dirty
   * entry, stamped `now`. Returns the slot, or NONE on a miss (changing nothing).
   *
   * It repeats #find, #moveToTail and #markDirty rather than calling them, which keeps it above
   * V8's size limit for inlining (460 bytes of bytecode): V8 compiles it once, on its own,
   * and never folds it into read, ack or mention. Folded in, it would make them too large to
   * inline into their callers in turn (see the comment above read).
   */
  #hit(userId: number, channelId: number, operation: number, now: number): number {
    if (this.#closed) throw closedError('typed-array');
    const index = this.#index;
    const buckets = this.#buckets;
    const users = this.#userId;
    const channels = this.#channelId;
    let h = Math.imul(userId ^ 0x9e37_79b9, 0x85eb_ca6b) ^ channelId;
    h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
    h ^= h >>> 16;
    let slot = NONE;
    for (let bucket = (h >>> 1) % buckets; ; ) {
      const entry = index[bucket]!;
      if (entry === 0) return NONE;
      if (users[entry - 1] === userId && channels[entry - 1] === channelId) {
        slot = entry - 1;
        break;
      }
      if (++bucket === buckets) bucket = 0;
    }

    // Most recently used: unlink, then link at the tail.
    const tail = this.#tail;
    if (slot !== tail) {
      const prev = this.#prev;
      const next = this.#next;
      const before = prev[slot]!;
      const after = next[slot]!; // not NONE: slot is not the tail
      if (before === NONE) this.#head = after;
      else next[before] = after;
      prev[after] = before;
      prev[slot] = tail;
      next[slot] = NONE;
      next[tail] = slot; // tail is not NONE: the list holds at least slot
      this.#tail = slot;
    }
    if (operation === HIT_READ) return slot;

    if (operation === HIT_ACK) this.#mentions[slot] = 0;
    else this.#mentions[slot]!++;
    // The newest dirty entry: unlink from the dirty list if on it, then link at its tail.
    this.#updatedAt[slot] = now;
    const dirtyPrev = this.#dirtyPrev;
    const dirtyNext = this.#dirtyNext;
    const wasBefore = dirtyPrev[slot]!;
    if (wasBefore !== CLEAN) {
      const wasAfter = dirtyNext[slot]!;
      if (wasBefore === NONE) this.#dirtyHead = wasAfter;
      else dirtyNext[wasBefore] = wasAfter;
      if (wasAfter === NONE) this.#dirtyTail = wasBefore;
      else dirtyPrev[wasAfter] = wasBefore;
    }
    const dirtyTail = this.#dirtyTail;
    dirtyPrev[slot] = dirtyTail;
    dirtyNext[slot] = NONE;
    if (dirtyTail === NONE) this.#dirtyHead = slot;
    else dirtyNext[dirtyTail] = slot;
    this.#dirtyTail = slot;
    return slot;
  }

  /**
   * The state of `slot` in one object reused for every write-back (the contract's StateSink
   * allows it): a new object per evicted state was most of what a miss allocated.
   */
  #handOut(slot: number): ReadState {
    const state = this.#handedOut;
    state.userId = this.#userId[slot]!;
    state.channelId = this.#channelId[slot]!;
    state.lastReadMessageId = this.#lastRead[slot]!;
    state.mentionCount = this.#mentions[slot]!;
    state.updatedAt = this.#updatedAt[slot]!;
    return state;
  }

  #copy(slot: number): ReadState {
    return {
      userId: this.#userId[slot]!,
      channelId: this.#channelId[slot]!,
      lastReadMessageId: this.#lastRead[slot]!,
      mentionCount: this.#mentions[slot]!,
      updatedAt: this.#updatedAt[slot]!,
    };
  }

  // ---- index ----

  /** Home bucket of a key: a murmur3-style mix of both ids, reduced to the table size. */
  #home(userId: number, channelId: number): number {
    let h = Math.imul(userId ^ 0x9e37_79b9, 0x85eb_ca6b) ^ channelId;
    h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
    h ^= h >>> 16;
    return (h >>> 1) % this.#buckets;
  }

  #find(userId: number, channelId: number): number {
    const index = this.#index;
    for (let bucket = this.#home(userId, channelId); ; ) {
      const entry = index[bucket]!;
      if (entry === 0) return NONE;
      const slot = entry - 1;
      if (this.#userId[slot] === userId && this.#channelId[slot] === channelId) return slot;
      if (++bucket === this.#buckets) bucket = 0;
    }
  }

  #addToIndex(slot: number): void {
    let bucket = this.#home(this.#userId[slot]!, this.#channelId[slot]!);
    while (this.#index[bucket] !== 0) if (++bucket === this.#buckets) bucket = 0;
    this.#index[bucket] = slot + 1;
  }

  /**
   * Removes a slot from the index and closes the gap: each later entry of the probe run moves
   * back into the hole unless its home bucket lies cyclically after the hole (then the hole
   * is not on its probe path). This keeps lookups correct with no tombstones.
   */
  #removeFromIndex(slot: number): void {
    let hole = this.#home(this.#userId[slot]!, this.#channelId[slot]!);
    while (this.#index[hole] !== slot + 1) if (++hole === this.#buckets) hole = 0;
    for (let bucket = hole; ; ) {
      if (++bucket === this.#buckets) bucket = 0;
      const entry = this.#index[bucket]!;
      if (entry === 0) break;
      const home = this.#home(this.#userId[entry - 1]!, this.#channelId[entry - 1]!);
      const homeAfterHole = hole <= bucket ? home > hole && home <= bucket : home > hole || home <= bucket;
      if (homeAfterHole) continue;
      this.#index[hole] = entry;
      hole = bucket;
    }
    this.#index[hole] = 0;
  }

  // ---- LRU list ----

  #linkAtTail(slot: number): void {
    this.#prev[slot] = this.#tail;
    this.#next[slot] = NONE;
    if (this.#tail === NONE) this.#head = slot;
    else this.#next[this.#tail] = slot;
    this.#tail = slot;
  }

  #moveToTail(slot: number): void {
    if (slot === this.#tail) return;
    const before = this.#prev[slot]!;
    const after = this.#next[slot]!; // not NONE: slot is not the tail
    if (before === NONE) this.#head = after;
    else this.#next[before] = after;
    this.#prev[after] = before;
    this.#linkAtTail(slot);
  }

  /** Unlinks the least recently used slot, writes it back if dirty, and returns it for reuse. */
  #evictHead(): number {
    const slot = this.#head;
    this.#head = this.#next[slot]!;
    if (this.#head === NONE) this.#tail = NONE;
    else this.#prev[this.#head] = NONE;
    this.#removeFromIndex(slot);
    if (this.#dirtyPrev[slot] !== CLEAN) {
      this.#unlinkDirty(slot);
      this.#onEvict?.(this.#handOut(slot));
    }
    return slot;
  }

  // ---- dirty list ----

  /** Takes a slot off the dirty list (a no-op for a clean slot), leaving it clean. */
  #unlinkDirty(slot: number): void {
    const before = this.#dirtyPrev[slot]!;
    if (before === CLEAN) return;
    const after = this.#dirtyNext[slot]!;
    if (before === NONE) this.#dirtyHead = after;
    else this.#dirtyNext[before] = after;
    if (after === NONE) this.#dirtyTail = before;
    else this.#dirtyPrev[after] = before;
    this.#dirtyPrev[slot] = CLEAN;
  }
}
