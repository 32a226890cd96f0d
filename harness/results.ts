import type { RowMeasurement } from './run-one.js';
import type { Scenario } from './scenario.js';
import type { StoreKind } from './store-protocol.js';
import type { RequestType } from './request-log.js';

/**
 * The results.json schema. Raw measurements (encoded HDR histograms, GC events, samples) are
 * kept so that results merge and re-render; every summary beside them is computed from them by
 * harness/aggregate.ts. Bump SCHEMA_VERSION on any change a reader would notice.
 */
export const SCHEMA_VERSION = 1;

export interface Results {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'run';
  readonly runId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly environment: Environment;
  readonly settings: RunSettings;
  /** One per (implementation, repetition), in the order they ran. */
  readonly rows: readonly Row[];
  /** One per implementation: medians over its completed repetitions, with their spread. */
  readonly contenders: readonly ContenderSummary[];
}

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryBytes: number;
  readonly labVersion: string;
  /** Flags every child ran with, before a contender's own. */
  readonly nodeFlags: readonly string[];
}

export interface RunSettings {
  readonly scenario: Scenario;
  readonly implementations: readonly string[];
  readonly repeat: number;
  readonly closedLoop: boolean;
  readonly store: StoreKind;
  readonly requestsFile: string | null;
  /** Set by `load`: the contenders ran as HTTP services under autocannon. */
  readonly serviceLevel?: { readonly connections: number; readonly target: string | null };
}

interface RowBase {
  readonly implementation: string;
  readonly repetition: number;
  /** Every node flag the row's child process ran with. */
  readonly nodeFlags: readonly string[];
  readonly wallMs: number;
}

export interface CompletedRow extends RowBase {
  readonly state: 'completed';
  readonly measurement: RowMeasurement;
  readonly summary: RowSummary;
}

export interface FailedRow extends RowBase {
  readonly state: 'failed';
  readonly reason: string;
}

export type Row = CompletedRow | FailedRow;

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly p9999Ms: number;
  readonly maxMs: number;
}

export interface WindowSummary {
  /** Start of the window, ms since measuring started. */
  readonly startMs: number;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface RowSummary {
  readonly latency: Percentiles;
  readonly byType: Readonly<Record<RequestType, Percentiles>>;
  readonly windows: readonly WindowSummary[];
  readonly achievedRate: number;
  readonly saturated: boolean;
  readonly missRate: number;
  readonly gcCount: number;
  readonly gcTotalMs: number;
  readonly longestGcMs: number;
  readonly forcedGcCount: number;
  readonly bytesPerEntry: number;
  readonly heapUsedMaxBytes: number;
  readonly rssMaxBytes: number;
  readonly fullGcPauseMs: number;
  readonly integrityOk: boolean;
}

/** A figure over repetitions: the median, and the lowest and highest seen. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ContenderSummary {
  readonly implementation: string;
  readonly completed: number;
  readonly failed: number;
  /** Reasons of failed repetitions, in order. */
  readonly failures: readonly string[];
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  readonly p999Ms: Spread;
  readonly maxMs: Spread;
  readonly achievedRate: Spread;
  readonly missRate: Spread;
  readonly gcCount: Spread;
  readonly longestGcMs: Spread;
  readonly bytesPerEntry: Spread;
  readonly heapUsedMaxBytes: Spread;
  readonly fullGcPauseMs: Spread;
  /** True when any repetition fell behind the target rate. */
  readonly saturated: boolean;
  /** True when every completed repetition passed the nothing-lost check. */
  readonly integrityOk: boolean;
}
