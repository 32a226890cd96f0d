/**
 * Values the file schemas and the program's types share, in a module that loads no schema
 * library: a measuring child imports these, and what it loads sits on the measured heap.
 */

/** Bump on any change of results.json a reader would notice. */
export const SCHEMA_VERSION = 2;

export const STORE_KINDS = ['sqlite', 'memory', 'cassandra'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/**
 * Bounds that keep a run finite and its request log in memory. The log is built up front (about
 * 30 bytes a request), so rate x duration is bounded as a product, not only field by field.
 */
export const SCENARIO_LIMITS = {
  rate: 10_000_000,
  durationSeconds: 86_400,
  timeScale: 10_000,
  forcedGcIntervalSeconds: 86_400,
  writeBackDelaySeconds: 86_400,
  requests: 100_000_000,
} as const;

export const REQUEST_TYPES = ['message', 'ack', 'open', 'reconnect'] as const;

export const FORCED_GC_MODES = ['sync', 'concurrent'] as const;

/** The stop-the-world pauses a JVM's GC log names (harness/measure/jvm-gc-log.ts reads them): G1's and ZGC's. */
export const JVM_PAUSE_KINDS = ['young', 'mixed', 'full', 'remark', 'cleanup', 'mark-start', 'mark-end', 'relocate-start', 'other'] as const;
export type JvmPauseKind = (typeof JVM_PAUSE_KINDS)[number];

/** The collectors the lab's Cassandra nodes run with (cassandra start --gc). */
export const JVM_COLLECTORS = ['G1', 'ZGC'] as const;
export type JvmCollector = (typeof JVM_COLLECTORS)[number];
