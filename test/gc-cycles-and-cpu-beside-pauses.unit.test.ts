import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ensureGc } from '../harness/measure/forced-gc.js';
import { spreadCycleCpu, V8WorkerThreads, v8PoolSize, withV8GcCpu } from '../harness/measure/gc-cpu.js';
import { v8GcCycles } from '../harness/measure/gc-cycles.js';
import { ThreadGc } from '../harness/measure/thread-gc.js';
import { WindowSampler } from '../harness/measure/window-sampler.js';
import { summarizeRow } from '../harness/results/aggregate.js';
import { encodeHistogram, plainHistogram } from '../harness/results/histogram.js';
import type { GcEvent, RowMeasurement, WindowSample } from '../harness/results/schema.js';

const event = (startMs: number, durationMs: number, kind: GcEvent['kind'], forced = false, thread = 'main'): GcEvent => ({
  startMs,
  durationMs,
  kind,
  forced,
  thread,
});

it('V8 cycles: a forced gc() is its call, a major after incremental marking runs from the marking start, one without is its pause', () => {
  const events = [
    event(100, 2, 'incremental'),
    event(150, 1, 'minor'),
    event(400, 30, 'major'),
    event(1000, 120, 'major', true),
    event(2000, 25, 'major'),
    event(2500, 1, 'incremental', false, 'partition 1'),
    event(2600, 5, 'major', false, 'partition 1'),
  ];
  const cycles = v8GcCycles(events, [{ startMs: 999.5, durationMs: 121, mode: 'sync' }]);
  assert.deepEqual(
    cycles.map((c) => [c.startMs, c.durationMs, c.pauseMs, c.forced, c.thread, c.source]),
    [
      [100, 330, 32, false, 'main', 'incremental-marking'],
      [999.5, 121, 120, true, 'main', 'forced-call'],
      [2000, 25, 25, false, 'main', 'atomic-pause'],
      [2500, 105, 6, false, 'partition 1', 'incremental-marking'],
    ],
  );
});

it('a window holds the V8 workers CPU plus the pauses within it; windows without a worker figure get none', () => {
  const windows = [1000, 2000, 3000].map((atMs) => ({ atMs, cpuPercent: 100 }) as WindowSample);
  const out = withV8GcCpu(windows, [50, 0, Number.NaN], [event(900, 200, 'major')]);
  assert.equal(out[0]!.gcCpuPercent, ((50 + 100) / 1000) * 100);
  assert.equal(out[1]!.gcCpuPercent, (100 / 1000) * 100);
  assert.equal(out[2]!.gcCpuPercent, undefined);
});

it('--v8-pool-size is read from the command line or NODE_OPTIONS, else Node default 4', () => {
  assert.equal(v8PoolSize(['node', '--v8-pool-size=2', 'x.js'], undefined), 2);
  assert.equal(v8PoolSize(['node', 'x.js'], '--max-old-space-size=100 --v8-pool-size 6'), 6);
  assert.equal(v8PoolSize(['node', 'x.js'], undefined), 4);
});

function measurementWith(windows: WindowSample[], cycles: RowMeasurement['gcCycles']): RowMeasurement {
  const empty = encodeHistogram(plainHistogram());
  return {
    drive: { targetRate: 1, achievedRate: 1, sent: 0, completed: 0, notSent: 0, saturated: false, maxSendLagMs: 0, elapsedMs: 0 },
    latency: { unit: 'ns', overall: empty, byType: { message: empty, ack: empty, open: empty, reconnect: empty }, windows: [], windowMs: 1000 },
    gcEvents: [event(10, 0.4, 'major', true)],
    forcedGcs: [],
    windows,
    memory: { cachedStates: 0, bytesPerEntry: 0, heapBytes: 0, arrayBufferBytes: 0, offHeapBytes: 0, fullGcPauseMs: 1 },
    counters: { hits: 0, misses: 0, evictions: 0, writeBacks: 0, cacheSize: 0 },
    integrity: { ok: true, statesChecked: 0, mismatchCount: 0, mismatches: [] },
    timingsMs: { generate: 0, warm: 0, check: 0 },
    ...(cycles === undefined ? {} : { gcCycles: cycles }),
  };
}

it('the summary has the longest pause, the longest cycle and the GC CPU share, weighed by window length; NaN when not measured', () => {
  const windows = [
    { atMs: 1000, cpuPercent: 100, gcCpuPercent: 50 },
    { atMs: 2000, cpuPercent: 100, gcCpuPercent: 0 },
    { atMs: 2500, cpuPercent: 200, gcCpuPercent: 100 },
    { atMs: 3500, cpuPercent: 100 },
  ] as WindowSample[];
  const cycle = { startMs: 5, durationMs: 350, pauseMs: 0.4, forced: true, thread: 'go', source: 'forced-call' } as const;
  const summary = summarizeRow(measurementWith(windows, [cycle]));
  assert.equal(summary.longestGcMs, 0.4);
  assert.equal(summary.longestGcCycleMs, 350);
  // (50*1000 + 0*1000 + 100*500) / (100*1000 + 100*1000 + 200*500) = 100,000 / 300,000
  assert.ok(Math.abs(summary.gcCpuShare! - 1 / 3) < 1e-12, String(summary.gcCpuShare));
  assert.equal(summary.gcCpuPeakPercent, 100);

  const old = summarizeRow(measurementWith([{ atMs: 1000, cpuPercent: 100 } as WindowSample], undefined));
  assert.ok(Number.isNaN(old.longestGcCycleMs!) && Number.isNaN(old.gcCpuShare!) && Number.isNaN(old.gcCpuPeakPercent!));
});

it("a Node heap's forced GCs show a cycle beside the pause and GC CPU in their windows", async () => {
  ensureGc();
  // Pointer-rich and large enough that a full GC takes tens of ms even on a quiet machine.
  const heap: Array<{ next: unknown; value: number; name: string }> = [];
  for (let i = 0; i < 1_500_000; i++) heap.push({ next: heap[i - 1], value: i, name: `s${i}` });
  globalThis.gc!();

  const workers = new V8WorkerThreads('self');
  assert.equal(workers.tids.length, 4, `V8's worker threads found by creation order: ${workers.tids.join(', ')}`);
  assert.ok(Number.isFinite(workers.cpuMs()));

  const origin = performance.now();
  const clock = (): number => performance.now() - origin;
  const gc = new ThreadGc('main', origin, { intervalMs: 400, mode: 'sync', offsetMs: 150 });
  const sampler = new WindowSampler(500, { clock, cacheOffHeapBytes: () => 0, completed: () => 0, misses: () => 0 });
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  gc.stopForcing();
  sampler.stop();
  sampler.sample();
  const report = gc.report();
  heap.length = 0;

  assert.ok(report.forced.length >= 2, `forced GCs: ${report.forced.length}`);
  const cycles = v8GcCycles(report.events, report.forced).filter((c) => c.forced);
  assert.equal(cycles.length, report.forced.length);
  const windows = withV8GcCpu(sampler.samples, sampler.v8WorkersCpuMs, report.events);
  for (const cycle of cycles) {
    // gc() is V8's atomic full GC: the call is the cycle, and the pause perf_hooks reports lies inside it.
    assert.ok(cycle.durationMs > 5 && cycle.pauseMs > 0 && cycle.durationMs >= cycle.pauseMs * 0.9, JSON.stringify(cycle));
    const window = windows.find((w) => w.atMs >= cycle.startMs + cycle.durationMs);
    assert.ok(window !== undefined && window.gcCpuPercent! > 0, `the window of the GC at ${cycle.startMs} ms: ${JSON.stringify(window)}`);
  }
});

it("a Go forced cycle's CPU, counted in the window its marking ended, is spread over the call; the total is kept", () => {
  const windows = [1000, 2000, 3000, 4000].map((atMs) => ({ atMs, cpuPercent: 100 }) as WindowSample);
  // 1,500 ms of GC CPU from a call over 500..2500 ms landed in window 3 (2000..3000), with 100 ms of a natural cycle.
  const reported = windows.map((w, i) => ({ ...w, gcCpuPercent: [0, 0, 160, 0][i]! }));
  const cycle = { startMs: 500, durationMs: 2000, pauseMs: 0.5, cpuMs: 1500, forced: true, thread: 'go', source: 'forced-call' } as const;
  const spread = spreadCycleCpu(reported, [cycle]);
  assert.deepEqual(
    spread.map((w) => Math.round(w.gcCpuPercent! * 1000) / 1000),
    [37.5, 75, 47.5, 0],
  );
  // A window without a figure stays without; a cycle without CPU changes nothing.
  assert.deepEqual(spreadCycleCpu(windows, [cycle]), windows);
  assert.deepEqual(spreadCycleCpu(reported, [{ ...cycle, cpuMs: 0 }]), reported);
});
