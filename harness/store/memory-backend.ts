import { type StoreBackend, WRITE_WIDTH } from './protocol.js';

/**
 * Slots of a new table: a power of two (the probe masks with length - 1). Doubling rehashes
 * every state in one go, which holds up the store's answers (misses) meanwhile, so the table
 * starts large enough for a discord-scale run's write-backs (about 650,000 in 20 s) to need
 * none: 2^21 slots, 33 bytes each (69 MB, touched only as slots fill).
 */
const INITIAL_SLOTS = 1 << 21;
/** lastReadMessageId, mentionCount, updatedAt: the numbers a slot holds besides its key. */
const VALUES = 3;

/**
 * Read states in memory, for runs that measure the cache alone. It runs in the store worker like
 * SQLite does, so its data sits on the worker's heap, never on the heap being measured.
 *
 * An open-addressing hash table of typed arrays (linear probing, doubled when half full), so a
 * write allocates nothing. It was a Map of one small Float64Array per state: every write-back
 * then survived the worker's scavenges, which copied it (10-16 ms a scavenge at discord-scale,
 * `--trace-gc-nvp`), and V8's parallel scavenger took both of this machine's cores from the
 * measured thread while it did.
 */
export class MemoryStoreBackend implements StoreBackend {
  readonly #initialSlots: number;
  #users: Uint32Array;
  #channels: Uint32Array;
  #used: Uint8Array;
  #values: Float64Array;
  #count = 0;

  /** `initialSlots`: a power of two; smaller in tests, to see the table double. */
  constructor(initialSlots = INITIAL_SLOTS) {
    this.#initialSlots = initialSlots;
    this.#users = new Uint32Array(initialSlots);
    this.#channels = new Uint32Array(initialSlots);
    this.#used = new Uint8Array(initialSlots);
    this.#values = new Float64Array(initialSlots * VALUES);
  }

  /** Typed arrays cannot fail to store; nothing to check. */
  selfTest(): void {}

  atomically(work: () => void): void {
    work();
  }

  write(userId: number, channelId: number, lastRead: number, mentions: number, updatedAt: number): void {
    let slot = this.#slotOf(userId, channelId);
    if (this.#used[slot] === 0) {
      if ((this.#count + 1) * 2 > this.#used.length) {
        this.#grow();
        slot = this.#slotOf(userId, channelId);
      }
      this.#used[slot] = 1;
      this.#users[slot] = userId;
      this.#channels[slot] = channelId;
      this.#count++;
    }
    const at = slot * VALUES;
    this.#values[at] = lastRead;
    this.#values[at + 1] = mentions;
    this.#values[at + 2] = updatedAt;
  }

  load(userId: number, channelId: number, out: Float64Array, at: number): void {
    const slot = this.#slotOf(userId, channelId);
    if (this.#used[slot] === 0) {
      out[at] = 0;
      return;
    }
    const from = slot * VALUES;
    out[at] = 1;
    out[at + 1] = this.#values[from]!;
    out[at + 2] = this.#values[from + 1]!;
    out[at + 3] = this.#values[from + 2]!;
  }

  dump(): Float64Array<ArrayBuffer> {
    const rows = new Float64Array(this.#count * WRITE_WIDTH);
    for (let slot = 0, at = 0; slot < this.#used.length; slot++) {
      if (this.#used[slot] === 0) continue;
      const from = slot * VALUES;
      rows[at++] = this.#users[slot]!;
      rows[at++] = this.#channels[slot]!;
      rows[at++] = this.#values[from]!;
      rows[at++] = this.#values[from + 1]!;
      rows[at++] = this.#values[from + 2]!;
    }
    return rows;
  }

  close(): void {
    this.#resize(this.#initialSlots);
  }

  /** The slot holding (userId, channelId), or the empty slot where it would go. */
  #slotOf(userId: number, channelId: number): number {
    const mask = this.#used.length - 1;
    // The same mixing as typed-array.ts: nearby ids spread over the whole table.
    let h = Math.imul(userId ^ 0x9e37_79b9, 0x85eb_ca6b) ^ channelId;
    h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
    let slot = (h ^ (h >>> 16)) & mask;
    while (this.#used[slot] !== 0 && (this.#users[slot] !== userId || this.#channels[slot] !== channelId)) slot = (slot + 1) & mask;
    return slot;
  }

  /**
   * Doubles the table and writes every state again, where the new mask sends it (the doubled
   * table is at most a quarter full, so these writes never grow it).
   */
  #grow(): void {
    const users = this.#users;
    const channels = this.#channels;
    const used = this.#used;
    const values = this.#values;
    this.#resize(used.length * 2);
    for (let old = 0; old < used.length; old++) {
      if (used[old] === 0) continue;
      const from = old * VALUES;
      this.write(users[old]!, channels[old]!, values[from]!, values[from + 1]!, values[from + 2]!);
    }
  }

  /** An empty table of `slots` slots. */
  #resize(slots: number): void {
    this.#users = new Uint32Array(slots);
    this.#channels = new Uint32Array(slots);
    this.#used = new Uint8Array(slots);
    this.#values = new Float64Array(slots * VALUES);
    this.#count = 0;
  }
}
