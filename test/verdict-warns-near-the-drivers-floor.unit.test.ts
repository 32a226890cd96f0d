import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulerFloorText } from '../harness/report/driver-text.js';
import { verdictLines } from '../harness/report/verdict.js';
import type { ContenderSummary, Results, RulerFloor } from '../harness/results/schema.js';

const spread = (value: number) => ({ median: value, min: value, max: value });

/** A contender's summary with the figures this warning reads; the rest are plausible. */
function contender(name: string, p99: number, p999: number): ContenderSummary {
  // Cast: the summary has figures the verdict does not read.
  return {
    contender: name,
    completed: 1,
    failed: 0,
    failures: [],
    p50Ms: spread(p99 / 4),
    p99Ms: spread(p99),
    p999Ms: spread(p999),
    maxMs: spread(p999 * 2),
    achievedRate: spread(2000),
    fullGcPauseMs: spread(Number.NaN),
    longestGcMs: spread(Number.NaN),
    bytesPerEntry: spread(Number.NaN),
    saturated: false,
    integrityOk: true,
  } as unknown as ContenderSummary;
}

/** A `load` run's results with these contenders and this ruler's floor, clean otherwise. */
function results(contenders: ContenderSummary[], rulerFloor: RulerFloor | undefined): Results {
  return {
    schemaVersion: 2,
    kind: 'run',
    runId: 'synthetic',
    createdAt: '2026-12-08T00:00:00.000Z',
    environment: {
      cpuCount: 2,
      hostLoad: { loadAverageMax: 0.5, idleLoopDelayP99Ms: 0.05, idleLoopDelayMaxMs: 0.2 },
      ...(rulerFloor === undefined ? {} : { rulerFloor }),
    },
    settings: { scenario: { forcedGc: null }, serviceLevel: { connections: 512, target: null, driver: 'open-loop-compiled' } },
    rows: [],
    contenders,
  } as unknown as Results;
}

const floor: RulerFloor = {
  state: 'measured',
  driver: 'open-loop-compiled',
  server: 'the compiled driver null server (Go)',
  rate: 2000,
  completed: 10_000,
  durationMs: 5000,
  latency: { p50Ms: 0.1, p99Ms: 0.3, p999Ms: 1, maxMs: 4 },
  sendLag: { p50Ms: 0.005, p99Ms: 0.05, p999Ms: 0.2, maxMs: 1, meanMs: 0.01 },
};

const warnings = (r: Results): string[] => verdictLines(r).filter((line) => line.startsWith('warning:'));

describe("the verdict and the driver's floor", () => {
  it("warns of each contender whose p99 or p99.9 is within 3x of the driver's own", () => {
    const near = contender('rust-btree', 0.5, 2.5); // both within 3x: 0.5 < 0.9, 2.5 < 3
    const tailFar = contender('go-lru', 0.8, 40); // p99 within, p99.9 far
    const far = contender('naive-map', 50, 400);
    assert.deepEqual(warnings(results([near, tailFar, far], floor)), [
      "warning: p99 of rust-btree (500 µs) is within 3x of the driver's own floor (300 µs): the driver, not rust-btree, may set it",
      "warning: p99.9 of rust-btree (2.50 ms) is within 3x of the driver's own floor (1.00 ms): the driver, not rust-btree, may set it",
      "warning: p99 of go-lru (800 µs) is within 3x of the driver's own floor (300 µs): the driver, not go-lru, may set it",
    ]);
  });

  it('says nothing when every figure is far above the floor, when the floor failed, or in files without one', () => {
    const far = [contender('naive-map', 50, 400), contender('typed-array', 1, 3.5)];
    assert.deepEqual(warnings(results(far, floor)), []);
    const near = [contender('rust-btree', 0.5, 2.5)];
    assert.deepEqual(warnings(results(near, { state: 'failed', driver: 'open-loop', reason: 'the null server did not start' })), []);
    assert.deepEqual(warnings(results(near, undefined)), []);
  });

  it('describes the floor in one line: driver, server, rate, percentiles and send lag, or why it is missing', () => {
    assert.equal(
      rulerFloorText(floor),
      'the compiled open-loop driver (references/load-driver, Go) against the compiled driver null server (Go), 2,000 requests/s for 5.0 s: ' +
        'p50 100 µs, p99 300 µs, p99.9 1.00 ms, max 4.00 ms; sent late by p50 5.00 µs, p99 50.0 µs, max 1.00 ms',
    );
    assert.equal(
      rulerFloorText({ state: 'failed', driver: 'open-loop', reason: 'the null server did not start' }),
      'not measured: the null server did not start',
    );
  });
});
