import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CacheOptions, checkCapacity, closedError, emptyState, type ReadState, type ReadStateCache, type StateSink } from '../contract.js';

/** The addon's class, as read_state_cache.cc defines it; it throws on a bad argument rather than crash. */
interface NativeCacheHandle {
  read(userId: number, channelId: number): boolean;
  /** The message id goes in scratch[ACK_MESSAGE_SLOT] (see ack below). */
  ack(userId: number, channelId: number, now: number): boolean;
  mention(userId: number, channelId: number, now: number): boolean;
  insert(userId: number, channelId: number, lastRead: number, mentions: number, updatedAt: number): boolean;
  drain(olderThan: number, max: number, out: Float64Array): number;
  dump(fromSlot: number, out: Float64Array): number;
  size(): number;
  bytes(): number;
  close(): void;
}

type Addon = { NativeCache: new (capacity: number, scratch: Float64Array) => NativeCacheHandle };

const STATE_WIDTH = 5;
/** Where ack's message id travels to the addon: the scratch slot of a state's lastRead. */
const ACK_MESSAGE_SLOT = 2;
/** States per call when draining or dumping: one crossing into C++ per 256 states. */
const BATCH = 256;

/** Loads build/Release/readstate_native.node once; remembers why it could not. */
function loadAddon(): { addon?: Addon; error?: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'binding.gyp')) && dirname(dir) !== dir) dir = dirname(dir);
  const path = join(dir, 'build', 'Release', 'readstate_native.node');
  if (!existsSync(path)) return { error: `the addon is not built (${path} is missing; run npm run build:native)` };
  try {
    // A native addon is untyped to TypeScript; Addon is what read_state_cache.cc exports.
    return { addon: createRequire(import.meta.url)(path) as Addon };
  } catch (error) {
    return { error: `the addon did not load: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
}

const loaded = loadAddon();

/** Why the native contender cannot run here, or undefined when it can. */
export function nativeUnavailableReason(): string | undefined {
  return loaded.error;
}

/**
 * A C++ Node-API addon holding every entry in one calloc'd array outside the V8 heap, with the
 * same index and lists as typed-array. Calls pass numbers only; a state comes back through a
 * Float64Array shared with the addon, copied here into the caller's object.
 *
 * The addon checks its own arguments (and throws "native cache is closed" after close()); the
 * checks here only make the contract's closed error the same for every cache.
 */
export class NativeCache implements ReadStateCache {
  readonly capacity: number;
  readonly #handle: NativeCacheHandle;
  readonly #scratch = new Float64Array(STATE_WIDTH);
  readonly #batch = new Float64Array(STATE_WIDTH * BATCH);
  readonly #onEvict: StateSink | undefined;
  /** What onEvict and drainDue's sink are handed, refilled each time. */
  readonly #handedOut: ReadState = emptyState();
  #closed = false;

  constructor(options: CacheOptions) {
    checkCapacity(options.capacity, 0xffff_fffd);
    if (loaded.addon === undefined) throw new Error(`native is unavailable: ${loaded.error}`);
    this.capacity = options.capacity;
    this.#onEvict = options.onEvict;
    this.#handle = new loaded.addon.NativeCache(options.capacity, this.#scratch);
  }

  get size(): number {
    return this.#closed ? 0 : this.#handle.size();
  }

  read(userId: number, channelId: number, into: ReadState): boolean {
    if (this.#closed) throw closedError('native');
    if (!this.#handle.read(userId, channelId)) return false;
    const s = this.#scratch;
    into.userId = userId;
    into.channelId = channelId;
    into.lastReadMessageId = s[2]!;
    into.mentionCount = s[3]!;
    into.updatedAt = s[4]!;
    return true;
  }

  /**
   * The message id, a float near 2^50, would reach the addon as a heap number V8 allocates for
   * the Node-API call (16 bytes per ack, once the only allocation of native's hit path, measured
   * by test/support/hit-path-child.ts), so it travels in the shared scratch Float64Array instead.
   */
  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    if (this.#closed) throw closedError('native');
    this.#scratch[ACK_MESSAGE_SLOT] = messageId;
    return this.#handle.ack(userId, channelId, now);
  }

  mention(userId: number, channelId: number, now: number): boolean {
    if (this.#closed) throw closedError('native');
    return this.#handle.mention(userId, channelId, now);
  }

  insert(state: ReadState, _now: number): void {
    if (this.#closed) throw closedError('native');
    const evictedDirty = this.#handle.insert(state.userId, state.channelId, state.lastReadMessageId, state.mentionCount, state.updatedAt);
    if (evictedDirty) this.#onEvict?.(refill(this.#handedOut, this.#scratch, 0));
  }

  drainDue(olderThan: number, sink: StateSink, max = Infinity): number {
    if (this.#closed) throw closedError('native');
    let drained = 0;
    while (drained < max) {
      const n = this.#handle.drain(olderThan, Math.min(BATCH, max - drained), this.#batch);
      for (let i = 0; i < n; i++) sink(refill(this.#handedOut, this.#batch, i));
      drained += n;
      if (n < BATCH) break;
    }
    return drained;
  }

  forEach(visit: StateSink): void {
    if (this.#closed) throw closedError('native');
    for (let from = 0, n = BATCH; n === BATCH; from += n) {
      n = this.#handle.dump(from, this.#batch);
      for (let i = 0; i < n; i++) visit(stateAt(this.#batch, i));
    }
  }

  offHeapBytes(): number {
    if (this.#closed) throw closedError('native');
    return this.#handle.bytes();
  }

  close(): void {
    this.#closed = true;
    this.#handle.close();
  }
}

/** Fills `state` with state `i` of `states`: one object handed to every sink (contract.ts's StateSink allows it). */
function refill(state: ReadState, states: Float64Array, i: number): ReadState {
  const at = i * STATE_WIDTH;
  state.userId = states[at]!;
  state.channelId = states[at + 1]!;
  state.lastReadMessageId = states[at + 2]!;
  state.mentionCount = states[at + 3]!;
  state.updatedAt = states[at + 4]!;
  return state;
}

function stateAt(states: Float64Array, i: number): ReadState {
  const at = i * STATE_WIDTH;
  return {
    userId: states[at]!,
    channelId: states[at + 1]!,
    lastReadMessageId: states[at + 2]!,
    mentionCount: states[at + 3]!,
    updatedAt: states[at + 4]!,
  };
}
