import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuOverTime, cycleMarks } from '../harness/report/gc-over-time.js';
import type { CompletedRow, GcCycle, WindowSample } from '../harness/results/schema.js';

/** A row holding only what the report's GC-over-time model reads. */
function row(measurement: { windows: Array<Partial<WindowSample>>; gcCycles?: GcCycle[]; collectsGarbage?: boolean; gcCpuSource?: string }): CompletedRow {
  return { measurement } as unknown as CompletedRow;
}

describe("the report's model of the collector over time", () => {
  it('gives the CPU chart each window at its end in seconds, the process and the collector as measured', () => {
    const cpu = cpuOverTime(
      row({
        windows: [
          { atMs: 1000, cpuPercent: 40, gcCpuPercent: 5 },
          { atMs: 2000, cpuPercent: 90, gcCpuPercent: 60 },
        ],
        gcCpuSource: 'go runtime/metrics',
      }),
    );
    assert.deepEqual(cpu, { t: [1, 2], processPercent: [40, 90], gcPercent: [5, 60], gc: 'measured', gcSource: 'go runtime/metrics' });
  });

  it("says 'no-gc' for a program without a collector and 'not-measured' where no window has GC CPU; a missing figure is a gap, never 0", () => {
    const rust = cpuOverTime(row({ windows: [{ atMs: 1000, cpuPercent: 12 }], collectsGarbage: false }));
    assert.equal(rust.gc, 'no-gc');
    assert.deepEqual(rust.processPercent, [12]);
    const older = cpuOverTime(row({ windows: [{ atMs: 1000, cpuPercent: null as unknown as number }] }));
    assert.equal(older.gc, 'not-measured');
    assert.ok(Number.isNaN(older.processPercent[0]!) && Number.isNaN(older.gcPercent[0]!));
    assert.equal(older.gcSource, undefined);
  });

  it('places every cycle, forced or not, at its start in seconds with its whole length; none for a row without cycles', () => {
    const cycles: GcCycle[] = [
      { startMs: 9975, durationMs: 320, pauseMs: 0.09, cpuMs: 150, forced: true, thread: 'main', source: 'forced-call' },
      { startMs: 4000, durationMs: 80, pauseMs: 3, forced: false, thread: 'main', source: 'incremental-marking' },
    ];
    assert.deepEqual(cycleMarks(row({ windows: [], gcCycles: cycles })), [
      { t: 9.975, ms: 320, forced: true },
      { t: 4, ms: 80, forced: false },
    ]);
    assert.deepEqual(cycleMarks(row({ windows: [] })), []);
  });
});
