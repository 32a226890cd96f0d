import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verdictLines } from '../harness/report/verdict.js';
import type { ContenderSummary, HostLoad, Results } from '../harness/results/schema.js';
import { SYNTHETIC_ENVIRONMENT } from './support/synthetic-results.js';

const spread = (value: number) => ({ median: value, min: value, max: value });

/** A contender's summary with the figures a verdict reads; the rest are plausible. */
function contender(name: string, figures: { p999: number; max: number; fullGc: number; saturated?: boolean; lost?: boolean }): ContenderSummary {
  // Cast: the summary grows figures the verdict does not read.
  return {
    contender: name,
    completed: 1,
    failed: 0,
    failures: [],
    p50Ms: spread(0.01),
    p99Ms: spread(figures.p999 / 2),
    p999Ms: spread(figures.p999),
    maxMs: spread(figures.max),
    achievedRate: spread(1000),
    missRate: spread(0.1),
    gcCount: spread(3),
    longestGcMs: spread(figures.fullGc),
    bytesPerEntry: spread(100),
    heapUsedMaxBytes: spread(1e8),
    fullGcPauseMs: spread(figures.fullGc),
    bytesPerRequest: spread(Number.NaN),
    scavengesPer100k: spread(Number.NaN),
    saturated: figures.saturated ?? false,
    integrityOk: !(figures.lost ?? false),
  } as unknown as ContenderSummary;
}

/** Results holding these contenders, one completed row each with `forcedGcs` forced GCs measured. */
function results(contenders: ContenderSummary[], options: { forcedGcs?: number; hostLoad?: HostLoad } = {}): Results {
  const forcedGcs = Array.from({ length: options.forcedGcs ?? 2 }, (_, i) => ({ startMs: i * 1000, durationMs: 5, mode: 'sync' }));
  return {
    schemaVersion: 2,
    kind: 'run',
    runId: 'synthetic',
    createdAt: '2026-11-27T00:00:00.000Z',
    environment: { ...SYNTHETIC_ENVIRONMENT, ...(options.hostLoad === undefined ? {} : { hostLoad: options.hostLoad }) },
    settings: {
      scenario: { rate: 1000, forcedGc: { intervalSeconds: 120, mode: 'sync' } },
      contenderNames: contenders.map((c) => c.contender),
      repeat: 1,
      closedLoop: false,
      store: 'sqlite',
      requestsFile: null,
    },
    rows: contenders.map((c) => ({ contender: c.contender, repetition: 1, state: 'completed', measurement: { forcedGcs } })),
    contenders,
  } as unknown as Results;
}

const typedArray = contender('typed-array', { p999: 1.9, max: 4, fullGc: 2 });
const naiveMap = contender('naive-map', { p999: 817, max: 900, fullGc: 400 });
const lruCache = contender('lru-cache', { p999: 300, max: 350, fullGc: 300 });

describe('the verdict', () => {
  it('names the winner of each question with its multiple of the runner-up, and where the report is', () => {
    const lines = verdictLines(results([naiveMap, typedArray, lruCache]), { reportPath: 'reports/latest/index.html' });
    assert.deepEqual(lines, [
      'tail latency under forced GC (p99.9): typed-array 1.90 ms, 158x lower than the runner-up, lru-cache (300 ms)',
      'GC pause (a forced full GC after the load, cache in place): typed-array 2.00 ms, 150x shorter than the runner-up, lru-cache (300 ms)',
      'memory per state: naive-map 100 B, about the same as the runner-up, typed-array (100 B)',
      'throughput held: all 3 rows kept 1,000/s',
      'report: reports/latest/index.html',
    ]);
  });

  it('says "about the same" within 10% and gives one decimal under 10x', () => {
    const a = contender('a', { p999: 10, max: 10.5, fullGc: 1 });
    const b = contender('b', { p999: 19, max: 10, fullGc: 1.05 });
    const [p999, fullGc] = verdictLines(results([a, b]));
    assert.equal(p999, 'tail latency under forced GC (p99.9): a 10.0 ms, 1.9x lower than the runner-up, b (19.0 ms)');
    assert.equal(fullGc, 'GC pause (a forced full GC after the load, cache in place): a 1.00 ms, about the same as the runner-up, b (1.05 ms)');
  });

  it('warns when a contender saturated, naming it', () => {
    const saturated = contender('naive-map', { p999: 817, max: 900, fullGc: 400, saturated: true });
    const warnings = verdictLines(results([typedArray, saturated])).filter((line) => line.startsWith('warning:'));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /naive-map SATURATED/);
  });

  it('warns when no forced GC fell in the measured span', () => {
    const warnings = verdictLines(results([typedArray, naiveMap], { forcedGcs: 0 })).filter((line) => line.startsWith('warning:'));
    assert.deepEqual(warnings, ['warning: no forced GC fell in the measured span: this run says nothing about forced-GC pauses']);
  });

  it('never names a contender that lost read states as the best, and says it lost them', () => {
    const leaky = contender('leaky', { p999: 0.001, max: 0.002, fullGc: 0.001, lost: true });
    const lines = verdictLines(results([leaky, typedArray, naiveMap]));
    assert.match(lines[0]!, /^tail latency under forced GC \(p99\.9\): typed-array /);
    assert.ok(
      lines.some((line) => line.startsWith('LOST READ STATES: leaky')),
      lines.join('\n'),
    );
  });

  it('warns of CPU contention and of a noise floor above the figures, from what the lab saw of the machine', () => {
    const busy = { loadAverageMax: 6.5, idleLoopDelayP99Ms: 12, idleLoopDelayMaxMs: 40 };
    const warnings = verdictLines(results([typedArray, naiveMap], { hostLoad: busy })).filter((line) => line.startsWith('warning:'));
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /CPU contention: the load average reached 6\.5 on 2 cores/);
    assert.match(warnings[1]!, /noise floor above the figures: .*12\.0 ms at p99.*best p99\.9 \(1\.90 ms\)/);
  });

  it("warns when the best p99 is within 3x of the machine's floor, and not when it is far above it", () => {
    const floor = (p99: number) => ({
      loadAverageMax: 0.8,
      idleLoopDelayP99Ms: 0.2,
      idleLoopDelayMaxMs: 1,
      floor: { probeMs: 1000, gapThresholdMs: 0.01, gapsPerSecond: 800, takenFraction: 0.07, longestGapMs: 1.2, zeroCostP99Ms: p99, zeroCostP999Ms: p99 * 3 },
    });
    // typed-array's p99 is 0.95 ms.
    const near = verdictLines(results([typedArray, naiveMap], { hostLoad: floor(0.5) })).filter((line) => line.startsWith('warning:'));
    assert.equal(near.length, 1, near.join('\n'));
    assert.match(
      near[0]!,
      /at this machine's floor: a request costing nothing would have waited 500 µs at p99 .*800 times a second, 7\.0% of the time.*best p99 \(950 µs\)/,
    );
    const far = verdictLines(results([typedArray, naiveMap], { hostLoad: floor(0.1) })).filter((line) => line.startsWith('warning:'));
    assert.deepEqual(far, []);
    // A floor above the best p99 was measured in a noisy second: it bounds nothing, and says so.
    const above = verdictLines(results([typedArray, naiveMap], { hostLoad: floor(27.7) })).filter((line) => line.startsWith('warning:'));
    assert.equal(above.length, 1, above.join('\n'));
    assert.match(above[0]!, /floor was measured in a noisy second: .*27\.7 ms at p99.*best p99 \(950 µs\) is below it/);
    assert.doesNotMatch(above[0]!, /within 3x/);
  });

  it('has no warning for a clean run on a quiet machine', () => {
    const quiet = { loadAverageMax: 0.8, idleLoopDelayP99Ms: 0.2, idleLoopDelayMaxMs: 1 };
    const lines = verdictLines(results([typedArray, naiveMap], { hostLoad: quiet }));
    assert.deepEqual(
      lines.filter((line) => /warning|LOST|FAILED/.test(line)),
      [],
    );
  });
});
