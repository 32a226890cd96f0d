/**
 * Keys being loaded from the store, each with the operations waiting for it, oldest first, in
 * typed arrays that are reused from miss to miss: a miss adds no object to the JS heap here.
 *
 * A load has a slot (a small integer, the tag its store load carries); an operation has a slot
 * of its own, linked after the previous one waiting for the same key. Keys are found through an
 * open-addressing table (linear probing, deletion by backward shift) from (userId, channelId) to
 * the load's slot. Everything grows by doubling when full, which happens a few times in a run.
 *
 * Before it, the service kept a dictionary of arrays of closures keyed by a string of the ids,
 * and each miss made a promise, two closures, an array and a string: about 3 KB a miss with the
 * store message, all young garbage for the scavenger.
 */
export class WaitingOperations {
  /** Open-addressing table: the load slot of each key, -1 where empty. */
  #table = new Int32Array(1024).fill(-1);
  #mask = 1023;
  /** Per load slot: the key, and the first and last operation waiting for it (-1: none). */
  #loadUser = new Uint32Array(256);
  #loadChannel = new Uint32Array(256);
  #head = new Int32Array(256);
  #tail = new Int32Array(256);
  /** Free load slots, as a stack. */
  #freeLoads = new Int32Array(256);
  #freeLoadCount = 0;
  #loadSlots = 0;
  #loads = 0;
  /** Per operation slot: what to apply once loaded, who waits for it, and the next one. */
  #opKind = new Int32Array(256);
  #opMessage = new Float64Array(256);
  #opTicket = new Int32Array(256);
  #opNext = new Int32Array(256);
  #freeOps = new Int32Array(256);
  #freeOpCount = 0;
  #opSlots = 0;

  /** Loads under way. */
  get size(): number {
    return this.#loads;
  }

  /** The load slot of (userId, channelId), or -1 when it is not being loaded. */
  find(userId: number, channelId: number): number {
    const table = this.#table;
    for (let at = this.#hash(userId, channelId); ; at = (at + 1) & this.#mask) {
      const slot = table[at]!;
      if (slot < 0) return -1;
      if (this.#loadUser[slot] === userId && this.#loadChannel[slot] === channelId) return slot;
    }
  }

  /** Starts the load of (userId, channelId), which must not be under way; returns its slot. */
  startLoad(userId: number, channelId: number): number {
    if ((this.#loads + 1) * 2 > this.#table.length) this.#growTable();
    let slot: number;
    if (this.#freeLoadCount > 0) slot = this.#freeLoads[--this.#freeLoadCount]!;
    else {
      if (this.#loadSlots === this.#loadUser.length) this.#growLoads();
      slot = this.#loadSlots++;
    }
    this.#loadUser[slot] = userId;
    this.#loadChannel[slot] = channelId;
    this.#head[slot] = -1;
    this.#tail[slot] = -1;
    this.#place(slot);
    this.#loads++;
    return slot;
  }

  userOf(load: number): number {
    return this.#loadUser[load]!;
  }

  channelOf(load: number): number {
    return this.#loadChannel[load]!;
  }

  /** Queues an operation behind load `load`: its kind, message id, and ticket (who waits). */
  enqueue(load: number, kind: number, messageId: number, ticket: number): void {
    let op: number;
    if (this.#freeOpCount > 0) op = this.#freeOps[--this.#freeOpCount]!;
    else {
      if (this.#opSlots === this.#opKind.length) this.#growOps();
      op = this.#opSlots++;
    }
    this.#opKind[op] = kind;
    this.#opMessage[op] = messageId;
    this.#opTicket[op] = ticket;
    this.#opNext[op] = -1;
    const tail = this.#tail[load]!;
    if (tail < 0) this.#head[load] = op;
    else this.#opNext[tail] = op;
    this.#tail[load] = op;
  }

  /**
   * Ends load `load`: its key is no longer being loaded (a new miss starts a new load) and its
   * slot is free. Returns its first waiting operation; walk them with next() and read each
   * before ending the next load, as their slots are reused.
   */
  finishLoad(load: number): number {
    this.#remove(load);
    this.#freeLoads[this.#freeLoadCount++] = load;
    this.#loads--;
    return this.#head[load]!;
  }

  kindOf(op: number): number {
    return this.#opKind[op]!;
  }

  messageOf(op: number): number {
    return this.#opMessage[op]!;
  }

  ticketOf(op: number): number {
    return this.#opTicket[op]!;
  }

  /** The operation after `op` (-1: none), and `op`'s slot is free again. */
  next(op: number): number {
    const next = this.#opNext[op]!;
    this.#freeOps[this.#freeOpCount++] = op;
    return next;
  }

  #hash(userId: number, channelId: number): number {
    return (Math.imul(userId, 0x9e3779b1) ^ Math.imul(channelId ^ (channelId >>> 16), 0x85ebca77)) & this.#mask;
  }

  #place(slot: number): void {
    const table = this.#table;
    let at = this.#hash(this.#loadUser[slot]!, this.#loadChannel[slot]!);
    while (table[at]! >= 0) at = (at + 1) & this.#mask;
    table[at] = slot;
  }

  /** Removes `slot` from the table, shifting back the entries that probed past it. */
  #remove(slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let at = this.#hash(this.#loadUser[slot]!, this.#loadChannel[slot]!);
    while (table[at] !== slot) at = (at + 1) & mask;
    let hole = at;
    for (let next = (hole + 1) & mask; table[next]! >= 0; next = (next + 1) & mask) {
      const other = table[next]!;
      const home = this.#hash(this.#loadUser[other]!, this.#loadChannel[other]!);
      // Move `other` into the hole unless its home lies cyclically in (hole, next].
      const homeInRange = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!homeInRange) {
        table[hole] = other;
        hole = next;
      }
    }
    table[hole] = -1;
  }

  #growTable(): void {
    const old = this.#table;
    this.#table = new Int32Array(old.length * 2).fill(-1);
    this.#mask = this.#table.length - 1;
    for (const slot of old) if (slot >= 0) this.#place(slot);
  }

  #growLoads(): void {
    const size = this.#loadUser.length * 2;
    this.#loadUser = grown(this.#loadUser, new Uint32Array(size));
    this.#loadChannel = grown(this.#loadChannel, new Uint32Array(size));
    this.#head = grown(this.#head, new Int32Array(size));
    this.#tail = grown(this.#tail, new Int32Array(size));
    this.#freeLoads = grown(this.#freeLoads, new Int32Array(size));
  }

  #growOps(): void {
    const size = this.#opKind.length * 2;
    this.#opKind = grown(this.#opKind, new Int32Array(size));
    this.#opMessage = grown(this.#opMessage, new Float64Array(size));
    this.#opTicket = grown(this.#opTicket, new Int32Array(size));
    this.#opNext = grown(this.#opNext, new Int32Array(size));
    this.#freeOps = grown(this.#freeOps, new Int32Array(size));
  }
}

function grown<T extends Int32Array | Uint32Array | Float64Array>(from: T, to: T): T {
  // Each of T's set() takes any array of numbers; TypeScript cannot call the union's overloads.
  const target: { set(array: ArrayLike<number>): void } = to;
  target.set(from);
  return to;
}
