import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goNaturalCycles, parseGcTrace } from '../harness/measure/go-gctrace.js';

// A Go service's output with GODEBUG=gctrace=1: its own lines, a natural cycle's, a forced one's.
const OUTPUT = [
  'listening on http://127.0.0.1:40123',
  'gc 7 @3.210s 2%: 0.021+85+0.030 ms clock, 0.085+0.40/40/0+0.12 ms cpu, 190->195->120 MB, 240 MB goal, 0 MB stacks, 0 MB globals, 2 P',
  'gc 8 @9.976s 3%: 0.015+128+0.040 ms clock, 0.030+0.2/60/0.5+0.08 ms cpu, 200->200->190 MB, 380 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)',
  'gc 9 @12.5s 3%: 1.5+0.5+0.25 ms clock, 3+1/2/0+0.5 ms cpu, 4->4->3 MB, 4 MB goal, 2 P',
].join('\n');

describe("Go's natural GC cycles, from its gctrace lines", () => {
  it('reads each cycle: its number, its three clock phases summed, and whether runtime.GC() asked for it', () => {
    assert.deepEqual(parseGcTrace(OUTPUT), [
      { cycle: 7, clockMs: 85.051, forced: false },
      { cycle: 8, clockMs: 128.055, forced: true },
      { cycle: 9, clockMs: 2.25, forced: false },
    ]);
    assert.deepEqual(parseGcTrace('listening on http://x\nsome other line\n'), []);
  });

  it("places a natural cycle to end where its pause ended, on the pauses' clock; forced cycles and cycles without a reported pause are left out", () => {
    const pauses = [
      { startMs: 1000, durationMs: 0.051, forced: false, thread: 'main', cycle: 7 },
      { startMs: 7000, durationMs: 0.055, forced: true, thread: 'main', cycle: 8 },
    ];
    const cycles = goNaturalCycles(parseGcTrace(OUTPUT), pauses);
    assert.equal(cycles.length, 1);
    const [cycle] = cycles;
    assert.equal(cycle!.source, 'gctrace');
    assert.equal(cycle!.forced, false);
    assert.equal(cycle!.pauseMs, 0.051);
    assert.ok(Math.abs(cycle!.durationMs - 85.051) < 1e-9);
    assert.ok(Math.abs(cycle!.startMs + cycle!.durationMs - 1000.051) < 1e-9, 'it ends where its pause ended');
    assert.equal(cycle!.cpuMs, undefined, "its CPU stays in the windows' counters");
    // An older service reports no cycle numbers: nothing is guessed.
    assert.deepEqual(
      goNaturalCycles(
        parseGcTrace(OUTPUT),
        pauses.map(({ cycle: _, ...pause }) => pause),
      ),
      [],
    );
  });
});
