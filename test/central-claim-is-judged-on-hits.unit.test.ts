import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGateConfig } from '../harness/gate/config.js';
import { evaluateGate } from '../harness/gate/gate.js';
import type { Results } from '../harness/results/schema.js';

/** What the claim reads of a row: overall p99.9, hit p99.9 and the full-GC pause, in ms. */
interface RowFigures {
  p999: number;
  hitP999: number;
  fullGcPause: number;
}

function percentiles(p999: number) {
  return { count: 1000, p50Ms: p999 / 100, p90Ms: p999 / 10, p99Ms: p999 / 2, p999Ms: p999, p9999Ms: p999, maxMs: p999 };
}

/** Just the fields the gate reads; the rest of Results is not consulted by a claim. */
function runOf(rows: Record<string, RowFigures>): Results {
  return {
    settings: { scenario: { name: 'discord-2min' } },
    rows: Object.entries(rows).map(([contender, f]) => ({
      contender,
      repetition: 1,
      state: 'completed',
      summary: {
        latency: percentiles(f.p999),
        byOutcome: { hit: percentiles(f.hitP999), miss: percentiles(f.p999 * 2) },
        fullGcPauseMs: f.fullGcPause,
      },
    })),
  } as unknown as Results;
}

const config = loadGateConfig('gates/central-claim.json');
const verdicts = (results: Results) => evaluateGate(config, results, undefined).rows.map((row) => row.verdict);

describe('the central claim (gates/central-claim.json)', () => {
  it('holds when the store stalls typed-array misses but its hits stay far below naive-map (the CI run of f8c9713)', () => {
    const ciRun = runOf({
      'naive-map': { p999: 112, hitP999: 111, fullGcPause: 144 },
      'typed-array': { p999: 377, hitP999: 2.74, fullGcPause: 4.31 },
    });
    assert.deepEqual(verdicts(ciRun), ['holds', 'holds']);
  });

  it("breaks when typed-array's hits wait half as long as naive-map's", () => {
    const regressed = runOf({
      'naive-map': { p999: 112, hitP999: 111, fullGcPause: 144 },
      'typed-array': { p999: 60, hitP999: 55, fullGcPause: 4.31 },
    });
    assert.deepEqual(verdicts(regressed), ['broken', 'holds']);
  });
});
