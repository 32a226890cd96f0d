/**
 * The database's own collector over one row's measurement: each Cassandra node's GC log is
 * marked (its byte offset) when measuring starts, and the lines written since are read when it
 * ends, so the row gets the node's pauses and concurrent cycles and no earlier ones.
 *
 *   const watch = startStoreGcWatch(logs);        // at the instant measuring starts: one stat per node
 *   ...
 *   watch.end();                                   // when the load ends: remembers the instant only
 *   const storeGc = watch.read();                  // later, off the measured path: reads and parses
 *
 * The JVM stamps every log line with the wall clock (the `time` decorator, milliseconds since
 * the epoch with its zone), and the lab reads the same machine's wall clock when measuring
 * starts; a pause's place on the row's clock is its wall-clock start less that reading. Both
 * clocks are the kernel's CLOCK_REALTIME on one machine, so they agree to the log's millisecond;
 * the JVM's uptime stamps are not used, since they count from the JVM's start, which the lab
 * does not know to the millisecond.
 */
import type { StoreGc, StoreGcNode } from '../results/schema.js';
import type { JvmCollector } from '../results/schemas/plain-values.js';
import { gcLogOffset, readJvmGcLogFrom } from './jvm-gc-log.js';

/** A node whose GC log the lab can read: what harness/cassandra/cluster-gc-logs.ts finds. */
export interface StoreGcLog {
  readonly address: string;
  readonly collector: JvmCollector;
  readonly gcLogPath: string;
}

export interface StoreGcWatch {
  /** Marks the end of measuring: pauses that start after it are not the row's. */
  end(): void;
  /**
   * The pauses and cycles of every node between the start and the end, in ms since
   * `originEpochMs` (the row's time zero on the wall clock; by default the watch's start).
   */
  read(originEpochMs?: number): StoreGc;
}

/** Marks each node's log now, at the row's time zero unless read() is given another. */
export function startStoreGcWatch(logs: readonly StoreGcLog[]): StoreGcWatch {
  const startEpochMs = Date.now();
  const offsets = logs.map((log) => gcLogOffset(log.gcLogPath));
  let endEpochMs: number | undefined;
  return {
    end() {
      endEpochMs ??= Date.now();
    },
    read(originEpochMs = startEpochMs) {
      // Nothing from before time zero: a load's driver starts some time after the watch.
      const span = { startEpochMs: Math.max(startEpochMs, originEpochMs), endEpochMs: endEpochMs ?? Date.now(), originEpochMs };
      return { nodes: logs.map((log, i) => nodeGc(log, offsets[i]!, span)) };
    },
  };
}

function nodeGc(log: StoreGcLog, offset: number, span: { startEpochMs: number; endEpochMs: number; originEpochMs: number }): StoreGcNode {
  const { log: read } = readJvmGcLogFrom(log.gcLogPath, offset);
  // A pause or cycle belongs to the row when any of it falls between time zero and the end.
  const overlaps = (start: number, durationMs: number): boolean => start + durationMs >= span.startEpochMs && start <= span.endEpochMs;
  return {
    address: log.address,
    collector: log.collector,
    pauses: read.pauses
      .filter((pause) => overlaps(pause.startEpochMs, pause.durationMs))
      .map((pause) => ({ startMs: pause.startEpochMs - span.originEpochMs, durationMs: pause.durationMs, kind: pause.kind, name: pause.name })),
    cycles: read.cycles
      .filter((cycle) => overlaps(cycle.startEpochMs, cycle.durationMs))
      .map((cycle) => ({ startMs: cycle.startEpochMs - span.originEpochMs, durationMs: cycle.durationMs, name: cycle.name })),
  };
}
