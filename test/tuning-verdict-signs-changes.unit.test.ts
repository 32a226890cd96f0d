import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tuningVerdict } from '../harness/cli/tuning-verdict.js';
import { spread, syntheticResults } from './support/synthetic-results.js';

/** naive-map's default row and a variant whose max latency and full-GC pause are the given multiples of the default's. */
function verdictFor(maxRatio: number, pauseRatio: number): string {
  const results = syntheticResults([
    ['naive-map · default', { p999: 10 }],
    ['naive-map · semi-64', { p999: 10, summary: { maxMs: spread(20 * maxRatio), fullGcPauseMs: spread((10 / 3) * pauseRatio) } }],
  ]);
  return tuningVerdict(results, ['naive-map'], ['default', 'semi-64']).join('\n');
}

describe("tune's verdict", () => {
  it('gives each change its sign, and a change that rounds to nothing as 0% whichever way it went', () => {
    // A CI run printed "max 28.0 ms (0%)" for 28.0 against 28.1 ms, and "+0%" for the same change upward.
    assert.match(verdictFor(28.0 / 28.1, 0.5), /semi-64: max 19\.9 ms \(0%\), full-GC pause 1\.67 ms \(-50%\)/);
    assert.match(verdictFor(28.1 / 28.0, 1), /semi-64: max 20\.1 ms \(0%\), full-GC pause 3\.33 ms \(0%\)/);
    assert.match(verdictFor(1.25, 0.75), /semi-64: max 25\.0 ms \(\+25%\), full-GC pause 2\.50 ms \(-25%\)/);
  });

  it('names a variant that shortens both the max and the full-GC pause by a fifth or more', () => {
    assert.match(verdictFor(0.5, 0.5), /naive-map: semi-64 shortens the forced-GC spike by at least 20%/);
    assert.match(verdictFor(0.5, 0.9), /naive-map: no variant shortens the forced-GC spike/);
  });
});
