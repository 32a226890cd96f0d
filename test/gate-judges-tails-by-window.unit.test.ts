import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { calibrateGate } from '../harness/gate/calibrate.js';
import { type GateConfig, loadGateConfig } from '../harness/gate/config.js';
import { compareSamples } from '../harness/gate/gate.js';
import { gateSamples } from '../harness/gate/samples.js';
import { welch, yuen } from '../harness/gate/statistics.js';
import { encodeHistogram, plainHistogram } from '../harness/results/histogram.js';
import type { Results } from '../harness/results/schema.js';
import { tempDir } from './support/cli.js';

/** A window of `count` requests of 1 ms, its slowest tenth of a percent at `tailMs`. */
function window(count: number, tailMs: number): string {
  const histogram = plainHistogram();
  const slow = Math.ceil(count / 500);
  histogram.recordValueWithCount(1e6, count - slow);
  histogram.recordValueWithCount(Math.round(tailMs * 1e6), slow);
  return encodeHistogram(histogram);
}

/** Just what a check by window reads: rows with their windows' histograms, and the run's scenario. */
function runOf(rows: ReadonlyArray<{ contender: string; repetition: number; tails: readonly number[]; count?: readonly number[] }>): Results {
  return {
    settings: { scenario: { name: 'discord-2min' } },
    rows: rows.map((row) => ({
      contender: row.contender,
      repetition: row.repetition,
      state: 'completed',
      measurement: { latency: { windows: row.tails.map((tail, i) => window(row.count?.[i] ?? 10_000, tail)) } },
      summary: { latency: { p999Ms: Math.max(...row.tails) } },
    })),
  } as unknown as Results;
}

const byWindow = { contender: 'a', metric: 'p999Ms', relativeTo: null, samples: 'windows' } as const;

describe('tail checks by window (issue 27)', () => {
  it('takes one sample per window of every repetition, dropping the last thin window', () => {
    const run = runOf([
      { contender: 'a', repetition: 1, tails: [4, 5, 6, 9], count: [10_000, 10_000, 10_000, 40] },
      { contender: 'a', repetition: 2, tails: [7, 8, 9] },
    ]);
    assert.deepEqual(
      gateSamples(run, byWindow, 'current').map((v) => Math.round(v)),
      [4, 5, 6, 7, 8, 9],
    );
  });

  it("divides each window by the reference's median window of the same repetition", () => {
    const run = runOf([
      { contender: 'a', repetition: 1, tails: [4, 6, 8] },
      { contender: 'b', repetition: 1, tails: [1, 3, 2] },
      { contender: 'a', repetition: 2, tails: [8] },
      { contender: 'b', repetition: 2, tails: [4] },
    ]);
    assert.deepEqual(
      gateSamples(run, { ...byWindow, relativeTo: 'b' }, 'current').map((v) => Math.round(v * 100) / 100),
      [2, 3, 4, 2],
    );
  });

  it("Yuen's trimmed test is Welch's at trim 0 and is not moved by one wild value", () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const b = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    assert.deepEqual(yuen(a, b, 0), welch(a, b));
    const wild = [...b.slice(0, 9), 1000];
    const trimmed = yuen(a, wild, 0.2);
    assert.ok(Math.abs(trimmed.difference - yuen(a, b, 0.2).difference) < 1e-9, 'the wild value is cut');
    assert.ok(trimmed.standardError < welch(a, wild).standardError / 10);
    assert.throws(() => yuen([1, 2, 3], [1, 2, 3], 0.4), /at least two values left/);
  });

  it('fails a tail that doubled in every window and passes the same run with one window wild', () => {
    const config: GateConfig = {
      scenario: 'discord-2min',
      run: [],
      checks: [{ name: 'tail', ...byWindow, trim: 0.2, allowedChange: 0.5, confidence: 0.95 }],
      claims: [],
    };
    const tails = [5, 6, 5.5, 7, 6.5, 5, 6, 5.8, 6.2, 5.4];
    const baseline = runOf([{ contender: 'a', repetition: 1, tails }]);
    const doubled = runOf([{ contender: 'a', repetition: 1, tails: tails.map((t) => t * 2) }]);
    const oneWild = runOf([{ contender: 'a', repetition: 1, tails: [...tails.slice(0, 9), 400] }]);
    // The check as the gate makes it, without the settings comparison these bare runs cannot pass.
    const check = config.checks[0]!;
    const verdict = (current: Results) => compareSamples(check, gateSamples(baseline, check, 'baseline'), gateSamples(current, check, 'current')).verdict;
    assert.equal(verdict(doubled), 'regression');
    assert.equal(verdict(oneWild), 'pass');
    const calibration = calibrateGate(config, [baseline, oneWild, baseline]);
    assert.equal(calibration[0]!.samplesPerRun, 10);
    assert.equal(calibration[0]!.pairs, 6);
    assert.equal(calibration[0]!.falseAlarms, 0);
  });

  it('reads old configs as before and refuses a window check of a figure windows do not have, in one line', () => {
    const dir = tempDir('rsl-gate-windows-');
    const old = join(dir, 'old.json');
    writeFileSync(
      old,
      JSON.stringify({
        scenario: 's',
        run: [],
        checks: [{ name: 'x', contender: 'a', metric: 'p99Ms', relativeTo: 'b', allowedChange: 0.5, confidence: 0.95 }],
      }),
    );
    assert.deepEqual({ samples: loadGateConfig(old).checks[0]!.samples, trim: loadGateConfig(old).checks[0]!.trim }, { samples: 'repetitions', trim: 0 });
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        scenario: 's',
        run: [],
        checks: [{ name: 'x', contender: 'a', metric: 'bytesPerRequest', samples: 'windows', allowedChange: 0.5, confidence: 0.95 }],
      }),
    );
    assert.throws(() => loadGateConfig(bad), /check "x": "samples": "windows" takes a latency figure \(p50Ms, p99Ms, p999Ms, maxMs\), not bytesPerRequest/);
  });
});
