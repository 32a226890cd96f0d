import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { StallRecorder } from '../harness/measure/stall-recorder.js';
import { decodeHistogram } from '../harness/results/histogram.js';
import type { WindowSummary } from '../harness/results/schema.js';
import { attributeStalls } from '../harness/results/stall-attribution.js';

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('the stall recorder', () => {
  it('sees a planted 200 ms block of the thread, when it happened, and attribution names it', async () => {
    const origin = performance.now();
    const recorder = new StallRecorder(origin, 1000);
    await sleep(300);
    const blockedAt = performance.now() - origin;
    busyFor(200);
    await sleep(100);
    const recording = recorder.stop();

    // On a busy machine the scheduler may stall the thread too, elsewhere in the test: the planted
    // block is the one stall that began when the block did.
    const planted = recording.stalls.filter((s) => s.durationMs >= 190 && Math.abs(s.startMs - blockedAt) < 50);
    assert.equal(planted.length, 1, `blocked at ${blockedAt} ms; stalls ${JSON.stringify(recording.stalls)}`);
    const stall = planted[0]!;
    // A busy machine may delay the timer too, but never make the block look shorter than it was.
    assert.ok(stall.durationMs < 1000, `${stall.durationMs} ms`);
    assert.ok(recording.windowMaxMs[0]! >= 190, `the first window's latest tick: ${recording.windowMaxMs[0]} ms`);
    const lateness = decodeHistogram(recording.lateness);
    assert.ok(lateness.maxValue >= 190e6, `histogram max ${lateness.maxValue} ns`);
    assert.ok(lateness.totalCount > 100, `ticks recorded: ${lateness.totalCount}`);
    lateness.destroy();

    // A request due during the block waited for it: its window's slowest request.
    const windows: WindowSummary[] = [{ startMs: 0, count: 500, p50Ms: 0.1, p99Ms: 150, maxMs: stall.durationMs + 1 }];
    const [named] = attributeStalls({ windows, windowMs: 1000, gcEvents: [], forcedGcs: [], stalls: recording });
    assert.equal(named?.cause, 'stall (runtime reports no GC events)');
    assert.equal(named?.threadStallMs, stall.durationMs);
  });

  it('lists nothing for a thread that was never blocked for its threshold', async () => {
    const recorder = new StallRecorder(performance.now(), 1000);
    await sleep(200);
    const recording = recorder.stop();
    // Under CPU load the timer may be late now and then; a planted-size stall never appears.
    assert.ok(
      recording.stalls.every((s) => s.durationMs < 150),
      JSON.stringify(recording.stalls),
    );
  });
});
