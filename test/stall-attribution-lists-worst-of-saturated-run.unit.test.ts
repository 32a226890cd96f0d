import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GcEvent, StallRecording, WindowSummary } from '../harness/results/schema.js';
import { attributeStalls, spikeThresholdMs } from '../harness/results/stall-attribution.js';
import { SPIKE_FLOOR_MS, WORST_WINDOWS_LISTED } from '../harness/tuning.js';

const window = (second: number, maxMs: number): WindowSummary => ({ startMs: second * 1000, count: 1000, p50Ms: maxMs / 2, p99Ms: maxMs * 0.95, maxMs });
const recording = (stalls: Array<{ startMs: number; durationMs: number }>): StallRecording => ({
  tickMs: 1,
  thresholdMs: 10,
  lateness: '',
  windowMs: 1000,
  windowMaxMs: [],
  stalls,
});

describe('stall attribution', () => {
  it("lists a saturated run's worst windows, where a threshold of 5x the run's p99 listed none", () => {
    // A run that fell behind: every window slower than the last, from 1 s to 11.4 s, p99 10.7 s.
    const windows = Array.from({ length: 12 }, (_, i) => window(i, 1000 + (i * 10_400) / 11));
    const found = attributeStalls({ windows, windowMs: 1000, gcEvents: [], forcedGcs: [], stalls: undefined });
    assert.equal(found.length, WORST_WINDOWS_LISTED);
    assert.deepEqual(
      found.map((s) => s.windowStartMs),
      [7000, 8000, 9000, 10_000, 11_000],
      'the worst windows, in time order',
    );
    assert.equal(Math.max(...found.map((s) => s.maxMs)), 11_400);
    assert.ok(found.every((s) => s.listed === 'worst'));
  });

  it('lists a spike that stands out from the median window, with the forced GC that caused it', () => {
    const windows = Array.from({ length: 20 }, (_, i) => window(i, i === 7 ? 150 : 2));
    assert.equal(spikeThresholdMs(windows), SPIKE_FLOOR_MS, 'the floor, above 5x a 2 ms median');
    const gc: GcEvent = { startMs: 7010, durationMs: 140, kind: 'major', forced: true, thread: 'main' };
    const found = attributeStalls({ windows, windowMs: 1000, gcEvents: [gc], forcedGcs: [], stalls: recording([{ startMs: 7010, durationMs: 141 }]) });
    assert.equal(found.length, 1, 'windows of 2 ms are below the floor: not worth listing');
    assert.equal(found[0]!.cause, 'forced GC');
    assert.equal(found[0]!.listed, 'spike');
    assert.equal(found[0]!.gcPauseMs, 140);
    assert.equal(found[0]!.threadStallMs, 141);
  });

  it('names a thread stall no GC explains, and says so when the runtime reports no GC at all', () => {
    const windows = Array.from({ length: 10 }, (_, i) => window(i, i === 4 ? 205 : 1));
    const stalls = recording([{ startMs: 4100, durationMs: 200 }]);
    const scavenge: GcEvent = { startMs: 1200, durationMs: 3, kind: 'minor', forced: false, thread: 'main' };
    const onNode = attributeStalls({ windows, windowMs: 1000, gcEvents: [scavenge], forcedGcs: [], stalls });
    assert.equal(onNode.length, 1);
    assert.equal(onNode[0]!.cause, 'thread stall, no GC');
    const onBun = attributeStalls({ windows, windowMs: 1000, gcEvents: [], forcedGcs: [], stalls });
    assert.equal(onBun[0]!.cause, 'stall (runtime reports no GC events)');
    const unrecorded = attributeStalls({ windows, windowMs: 1000, gcEvents: [scavenge], forcedGcs: [], stalls: undefined });
    assert.equal(unrecorded[0]!.cause, 'nothing observed');
    assert.ok(Number.isNaN(unrecorded[0]!.threadStallMs), 'no recording: unknown, not zero');
  });
});
