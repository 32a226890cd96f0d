import type { ContenderSummary, Results } from '../../harness/results/schema.js';

/** A figure over repetitions: the median, and the lowest and highest seen (the median when not given). */
export const spread = (median: number, min = median, max = median) => ({ median, min, max });

/** What a synthetic contender's figures say; the rest are plausible and equal across contenders. */
export interface Figures {
  p999: number;
  rate?: number;
  saturated?: boolean;
  forcedGcs?: number;
  noCollector?: boolean;
  heap?: [number, number, number];
  /** Any other figure of the contender's summary, as given. */
  summary?: Partial<ContenderSummary>;
}

/** A contender's summary: p99.9 as given, p50, p99 and max in proportion, GC figures unless it has no collector. */
export function contenderSummary(name: string, f: Figures): ContenderSummary {
  return {
    contender: name,
    completed: 1,
    failed: 0,
    failures: [],
    p50Ms: spread(f.p999 / 10),
    p99Ms: spread(f.p999 / 2),
    p999Ms: spread(f.p999),
    maxMs: spread(f.p999 * 2),
    achievedRate: spread(f.rate ?? 1000),
    missRate: spread(0.1),
    gcCount: spread(f.noCollector ? 0 : 3),
    longestGcMs: spread(f.noCollector ? Number.NaN : f.p999 / 4),
    bytesPerEntry: spread(100),
    heapUsedMaxBytes: f.heap === undefined ? spread(1e8) : spread(...f.heap),
    fullGcPauseMs: spread(f.noCollector ? Number.NaN : f.p999 / 3),
    bytesPerRequest: spread(Number.NaN),
    scavengesPer100k: spread(Number.NaN),
    hitP999Ms: spread(Number.NaN),
    missP99Ms: spread(Number.NaN),
    saturated: f.saturated ?? false,
    integrityOk: true,
    ...f.summary,
  } as unknown as ContenderSummary;
}

/** The machine a synthetic run says it ran on: two cores, Node 20, nothing measured of its load. */
export const SYNTHETIC_ENVIRONMENT = {
  node: 'v20',
  v8: '11',
  platform: 'linux',
  arch: 'x64',
  cpuModel: 'test',
  cpuCount: 2,
  totalMemoryBytes: 1,
  labVersion: '0.1.0',
  nodeFlags: [],
};

/**
 * Results with one completed row per contender, each with the forced GCs and collector its
 * figures say: enough for the table model, the verdict and the notes, which read no histogram.
 */
export function syntheticResults(entries: Array<[string, Figures]>, repeat = 1): Results {
  return {
    schemaVersion: 2,
    kind: 'run',
    runId: 'synthetic',
    createdAt: '2026-12-07T00:00:00.000Z',
    environment: SYNTHETIC_ENVIRONMENT,
    settings: {
      scenario: {
        name: 'synthetic',
        rate: 1000,
        capacity: 1000,
        durationSeconds: 4,
        timeScale: 60,
        seed: 1,
        forcedGc: { intervalSeconds: 120, mode: 'sync' },
      },
      contenderNames: entries.map(([name]) => name),
      repeat,
      closedLoop: false,
      store: 'memory',
      requestsFile: null,
    },
    rows: entries.map(([name, f]) => ({
      contender: name,
      repetition: 1,
      state: 'completed',
      measurement: {
        forcedGcs: Array.from({ length: f.forcedGcs ?? 1 }, (_, i) => ({ startMs: i * 1000, durationMs: 5, mode: 'sync' })),
        drive: { elapsedMs: 4000 },
        ...(f.noCollector ? { collectsGarbage: false } : {}),
      },
    })),
    contenders: entries.map(([name, f]) => contenderSummary(name, f)),
  } as unknown as Results;
}
