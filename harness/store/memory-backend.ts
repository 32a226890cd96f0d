import type { StoreBackend } from './protocol.js';

/**
 * Read states in Maps, for runs that measure the cache alone. It runs in the store worker like
 * SQLite does, so its data sits on the worker's heap, never on the heap being measured.
 */
export class MemoryStoreBackend implements StoreBackend {
  readonly #byUser = new Map<number, Map<number, Float64Array>>();

  /** Maps cannot fail to store; nothing to check. */
  selfTest(): void {}

  atomically(work: () => void): void {
    work();
  }

  write(userId: number, channelId: number, lastRead: number, mentions: number, updatedAt: number): void {
    let channels = this.#byUser.get(userId);
    if (channels === undefined) this.#byUser.set(userId, (channels = new Map()));
    channels.set(channelId, Float64Array.of(lastRead, mentions, updatedAt));
  }

  load(userId: number, channelId: number, out: Float64Array, at: number): void {
    const row = this.#byUser.get(userId)?.get(channelId);
    out[at] = row === undefined ? 0 : 1;
    if (row !== undefined) out.set(row, at + 1);
  }

  dump(): Float64Array {
    const rows: number[] = [];
    for (const [userId, channels] of this.#byUser) {
      for (const [channelId, row] of channels) rows.push(userId, channelId, ...row);
    }
    return Float64Array.from(rows);
  }

  close(): void {
    this.#byUser.clear();
  }
}
