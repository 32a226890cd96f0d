import type { CompletedRow, RunSettings, StoreGcNode } from '../results/schema.js';
import { formatCount, formatMs } from './format.js';

/**
 * What the report shows of the database's own collector (RowMeasurement.storeGc, read from the
 * Cassandra nodes' GC logs): a lane per node in the GC strip under the row's latency chart, apart
 * from the service's lanes, and a line per node in the GC table. A row without it adds nothing.
 */

/** One node's lane in the GC strip: its pauses as ticks, its concurrent cycles as light bands; seconds and ms. */
export interface StoreGcLane {
  /** "Cassandra (G1) 127.0.0.1": whose collector the lane is. */
  readonly label: string;
  readonly pauses: ReadonlyArray<{ readonly t: number; readonly ms: number; readonly kind: string }>;
  readonly cycles: ReadonlyArray<{ readonly t: number; readonly ms: number }>;
}

/** A line of the GC table for one node's collector during one series' row. */
export interface StoreGcRow {
  /** The series whose row measured it. */
  readonly contender: string;
  readonly count: number;
  readonly totalMs: number;
  readonly longestMs: number;
  readonly cells: readonly string[];
}

export function storeGcLabel(node: Pick<StoreGcNode, 'collector' | 'address'>): string {
  return `Cassandra (${node.collector}) ${node.address}`;
}

export function storeGcLanes(row: CompletedRow): StoreGcLane[] {
  return (row.measurement.storeGc?.nodes ?? []).map((node) => ({
    label: storeGcLabel(node),
    pauses: node.pauses.map((pause) => ({ t: pause.startMs / 1000, ms: pause.durationMs, kind: pause.kind })),
    cycles: node.cycles.map((cycle) => ({ t: cycle.startMs / 1000, ms: cycle.durationMs })),
  }));
}

/**
 * The GC table's lines for the store: pauses, total and longest, in the service's columns; the
 * lab forces no GC of the database and its threads are not watched for stalls, so those say "-".
 */
export function storeGcRows(series: ReadonlyArray<{ label: string; row: CompletedRow }>): StoreGcRow[] {
  return series.flatMap(({ label, row }) =>
    (row.measurement.storeGc?.nodes ?? []).map((node) => {
      const pauses = node.pauses.map((pause) => pause.durationMs);
      const totalMs = pauses.reduce((a, b) => a + b, 0);
      const longestMs = pauses.length === 0 ? Number.NaN : Math.max(...pauses);
      return {
        contender: label,
        count: pauses.length,
        totalMs,
        longestMs,
        cells: [`${label}: ${storeGcLabel(node)}`, formatCount(pauses.length), '-', formatMs(totalMs), formatMs(longestMs), '-', '-'],
      };
    }),
  );
}

/** The settings list's store line: the kind, and for Cassandra its hosts, nodes, consistency and collector. */
export function storeText(settings: Pick<RunSettings, 'store' | 'cassandra'>): string {
  const { cassandra } = settings;
  if (settings.store !== 'cassandra' || cassandra === undefined) return settings.store;
  const nodes = `${cassandra.nodes} node${cassandra.nodes === 1 ? '' : 's'}`;
  const jvm = cassandra.collector === undefined ? '' : `, ${cassandra.collector}${cassandra.heap === undefined ? '' : ` heap ${cassandra.heap}`}`;
  return `cassandra at ${cassandra.contactPoints.join(', ')} (${nodes}, consistency ${cassandra.consistency.toUpperCase()}${jvm})`;
}
