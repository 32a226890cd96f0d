import type { ForcedGcPlan } from '../measure/thread-gc.js';
import type { CassandraTarget } from '../store/cassandra-target.js';
import type { StoreLatencyProfile } from '../store/latency-profile.js';
import type { StoreKind } from '../store/protocol.js';
import type { RequestLog } from '../workload/request-log.js';

/** What a partition worker is started with. */
export interface PartitionWorkerData {
  readonly partition: number;
  readonly partitions: number;
  /** The cache contender inside the partition. */
  readonly contender: string;
  readonly capacity: number;
  readonly store: StoreKind;
  readonly storePath: string;
  /** A Cassandra store's cluster and table, shared by every partition (each writes its own users). */
  readonly cassandra?: CassandraTarget | undefined;
  /** How long the partition's store takes to answer; undefined: as fast as it can. */
  readonly storeLatency?: StoreLatencyProfile | undefined;
  /** The run's request log, in SharedArrayBuffers. */
  readonly log: RequestLog;
  readonly timeScale: number;
  readonly writeBackDelayMs: number;
  readonly writeBackEveryMs: number;
  readonly writeBackBatch: number;
}

/** Main thread to partition. `requests` and `warm` are fire-and-forget; the rest are answered by seq. */
export type PartitionRequest =
  | { kind: 'requests'; indices: Int32Array }
  | { kind: 'warm'; states: Float64Array }
  | { kind: 'warmDone'; seq: number }
  | { kind: 'start'; startEpochMs: number; forcedGc: Omit<ForcedGcPlan, 'offsetMs'> | undefined }
  | { kind: 'finish'; seq: number }
  | { kind: 'flush'; seq: number }
  | { kind: 'contents'; seq: number }
  | { kind: 'close'; seq: number };

/** Partition to main thread. */
export type PartitionReply =
  /** Requests whose part in this partition is done, with the partition's counters now. */
  | { kind: 'done'; indices: Int32Array; counters: [hits: number, misses: number, evictions: number, writeBacks: number, persisted: number, cacheSize: number] }
  | { kind: 'reply'; seq: number; value: unknown }
  /** The partition's own V8 heap, now: sent after warming and a few times a second while measuring. */
  | { kind: 'heap'; usedBytes: number; totalBytes: number }
  | { kind: 'failed'; message: string };
