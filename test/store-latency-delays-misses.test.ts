import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeHistogram } from '../harness/results/histogram.js';
import type { CompletedRow, Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

function readResults(dir: string): Results {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;
}

function completedRow(results: Results): CompletedRow {
  const row = results.rows[0]!;
  assert.equal(row.state, 'completed', row.state === 'failed' ? row.reason : '');
  return row as CompletedRow;
}

/** The value (ms) at a percentile of an encoded latency histogram. */
function percentileMs(encoded: string, percentile: number): number {
  const histogram = decodeHistogram(encoded);
  const ms = histogram.getValueAtPercentile(percentile) / 1e6;
  histogram.destroy();
  return ms;
}

describe('--store-latency holds the store answers back in the store worker', () => {
  const dir = tempDir('rsl-store-latency-run-');
  // 3 s at 2,000/s; 12,000 read states in the population, 10,000 of them cached: a few percent miss.
  const scenario = smallScenarioFile(dir, { durationSeconds: 3 });

  it('run --store-latency fixed:5 --capacity 10000: misses take at least 5 ms, hits do not wait, nothing is lost', async () => {
    const out = join(dir, 'fixed5');
    const { exitCode, stdout, stderr } = await runCli([
      'run',
      '--scenario',
      scenario,
      '--impl',
      'typed-array',
      '--capacity',
      '10000',
      '--store-latency',
      'fixed:5',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, `${stdout.slice(-2000)}\n${stderr}`);
    const results = readResults(out);
    const row = completedRow(results);
    assert.equal(row.measurement.integrity.ok, true, 'nothing lost');
    assert.equal(results.settings.storeLatency?.name, 'fixed:5');
    const byOutcome = row.measurement.latency.byOutcome;
    assert.ok(byOutcome !== undefined, 'latency by outcome was recorded');
    assert.ok(row.summary.byOutcome!.miss.count > 20, `misses: ${row.summary.byOutcome!.miss.count}`);
    // Every read waits 5 ms in the worker; a request timed from its intended start waits at
    // least that, except one that missed on a key another request was already loading (it
    // joins that read), which is rare: the median miss cannot be below 5 ms.
    const missMedian = percentileMs(byOutcome.miss, 50);
    assert.ok(missMedian >= 5, `median miss ${missMedian} ms`);
    // Hits never wait for the store: their median stays below the store's 5 ms even on a
    // loaded machine (it is microseconds on an idle one).
    const hitMedian = percentileMs(byOutcome.hit, 50);
    assert.ok(hitMedian < 5, `median hit ${hitMedian} ms`);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    assert.match(summary, /Store latency: fixed:5: reads 5 ms each; writes 5 ms each\./);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /fixed:5: reads 5 ms each/);
  });

  it('records the write-back queue depth per window: write-backs still waiting for a slow database', async () => {
    // Reads at once, writes acknowledged after 1.5 s: longer than a window, so every window
    // after the first write-backs ends with some still pending.
    const profile = join(dir, 'slow-writes.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'slow-writes',
        description: 'writes take 1.5 s to be acknowledged',
        source: 'a test',
        assumptions: 'none',
        read: { distribution: 'fixed', ms: 0 },
        write: { distribution: 'fixed', ms: 1500 },
      }),
    );
    const out = join(dir, 'slow-writes');
    const { exitCode, stdout, stderr } = await runCli([
      'run',
      '--scenario',
      scenario,
      '--impl',
      'naive-map',
      '--capacity',
      '2000',
      '--store-latency',
      profile,
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, `${stdout.slice(-2000)}\n${stderr}`);
    const results = readResults(out);
    const row = completedRow(results);
    assert.equal(row.measurement.integrity.ok, true, 'nothing lost, though every write waited');
    const depths = row.measurement.windows.map((w) => w.storeWritesPending);
    assert.ok(
      depths.every((depth) => typeof depth === 'number' && depth >= 0),
      `depths ${depths}`,
    );
    assert.ok(
      depths.some((depth) => depth! > 0),
      `some window ends with write-backs pending: ${depths}`,
    );
    assert.ok(row.measurement.counters.writeBacks > 0, 'the run wrote back');
    assert.equal(row.measurement.counters.persisted, row.measurement.counters.writeBacks, 'and every write-back was acknowledged in the end');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /<canvas id="store-pressure-0">/, 'the report draws the pressure on the database');
  });
});
