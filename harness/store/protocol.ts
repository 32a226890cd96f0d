import type { BatchChannelBuffers } from './batch-channel.js';
import type { CassandraTarget } from './cassandra-target.js';
import type { StoreLatencyProfile } from './latency-profile.js';

/**
 * Messages between the service and its store worker. States travel as flat Float64Arrays
 * (transferred, not copied) so that a batch of a thousand write-backs is one message, not a
 * thousand objects.
 *
 * The worker handles messages in order and, within a batch, writes before loads. A load of a
 * key is only ever asked for while that key is out of the cache, so every write-back of the key
 * was sent before it: a load always sees the newest state.
 *
 * A failed write must not break that order: once a batch's writes fail, the worker refuses
 * every later batch (it "bounces" it, untouched) until the client sends a batch marked
 * `resume`, which carries every write the worker refused, oldest first. So no load ever reads
 * past a write that has not landed, and no write lands before an older one of the same key.
 *
 * Batches and their replies do not travel as messages but through shared memory
 * (store/batch-channel.ts), in the same order and with the same meaning; the worker still
 * handles them as these objects. A resume batch may be split over several batches when it does
 * not fit at once: they go in order, so the order above holds.
 */
export type StoreRequest =
  | { kind: 'batch'; seq: number; writes: Float64Array; loads: Float64Array; resume: boolean }
  | { kind: 'dump'; seq: number }
  | { kind: 'close'; seq: number };

export type StoreReply =
  /** The worker opened its store and a test write and read worked. */
  | { kind: 'ready'; seq: -1 }
  /** The store could not be opened or did not take a test write; the worker then exits. */
  | { kind: 'startup-error'; seq: -1; message: string }
  /**
   * `persisted`: the batch's writes are committed. Otherwise `writeError` says why and none of
   * them is. `found` answers the loads (FOUND_WIDTH numbers each) unless `loadError` says why not.
   */
  | {
      kind: 'batch';
      seq: number;
      persisted: boolean;
      writeError?: string;
      found?: Float64Array;
      loadError?: string;
      /**
       * Set when a store latency profile holds answers back (store/delayed-replies.ts): a batch
       * is then answered in parts, as each delay ends. `loadIndices` says which of the batch's
       * loads `found` answers (in that order), `writesDone` how many of its writes this part
       * acknowledges, and `more` that further parts follow. Absent: the whole batch at once.
       */
      loadIndices?: Uint32Array;
      writesDone?: number;
      more?: boolean;
    }
  | { kind: 'dump'; seq: number; states: Float64Array }
  /** Replies wait in the reply ring and the client was not polling it (store/batch-channel.ts). */
  | { kind: 'wake'; seq: -1 }
  | { kind: 'close'; seq: number }
  | { kind: 'error'; seq: number; message: string };

/** userId, channelId, lastReadMessageId, mentionCount, updatedAt. */
export const WRITE_WIDTH = 5;
/** userId, channelId. */
export const LOAD_WIDTH = 2;
/** found (0 or 1), lastReadMessageId, mentionCount, updatedAt. */
export const FOUND_WIDTH = 4;

export type StoreKind = 'sqlite' | 'memory' | 'cassandra';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'memory', 'cassandra'];

export interface StoreWorkerOptions {
  readonly kind: StoreKind;
  /** SQLite database file; ignored by the memory and Cassandra stores. */
  readonly path: string;
  /** The cluster and table of a Cassandra store; required when `kind` is 'cassandra'. */
  readonly cassandra?: CassandraTarget | undefined;
  /** How long the database takes to answer (harness/store/latency-profile.ts); absent: at once. */
  readonly latency?: StoreLatencyProfile;
  /** Seeds the delays' generator, so a run's delays repeat. */
  readonly latencySeed?: number;
}

/** What the client hands its worker: the options, and the shared memory batches travel through. */
export interface StoreWorkerData extends StoreWorkerOptions {
  readonly channel: BatchChannelBuffers;
}

/** What a store worker keeps its states in. */
export interface StoreBackend {
  /** Writes and reads back a sentinel state, leaving nothing behind; throws if the store cannot. */
  selfTest(): void;
  /** Runs `work` as one unit (one SQLite transaction). */
  atomically(work: () => void): void;
  write(userId: number, channelId: number, lastRead: number, mentions: number, updatedAt: number): void;
  /** Writes the state into `out` at `at` as FOUND_WIDTH numbers. */
  load(userId: number, channelId: number, out: Float64Array, at: number): void;
  /** Every stored state, WRITE_WIDTH numbers each. */
  dump(): Float64Array<ArrayBuffer>;
  close(): void;
}
