import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { measureMachineFloor, waitAtQuantile } from '../harness/measure/machine-floor.js';

describe("the machine's floor", () => {
  it('turns gaps into the waits of a zero-cost request stream', () => {
    // One 10 ms gap in 1 s: 1% of requests fall in it, waiting 0-10 ms (uniformly), so p99 is
    // 0 and p99.9 is 9 ms (0.1% of the stream waits more than 9 ms).
    const one = Float64Array.of(10);
    assert.equal(waitAtQuantile(one, 1000, 0.99), 0);
    assert.ok(Math.abs(waitAtQuantile(one, 1000, 0.999) - 9) < 1e-9);
    // Two gaps of 20 and 5 ms in 1 s: more than d waited sum(max(0, gap - d)) = 10 ms at d = 10.
    assert.ok(Math.abs(waitAtQuantile(Float64Array.of(20, 5), 1000, 0.99) - 10) < 1e-9);
    assert.equal(waitAtQuantile(new Float64Array(0), 1000, 0.999), 0);
  });

  /**
   * Checked against the Linux scheduler, not against itself: with 2N - 1 busy processes beside it
   * on N cores (three on this 2-core machine), 2N threads share N cores, so the probe's thread
   * must lose about half its time, in slices of milliseconds. A quiet machine takes 1-3% here.
   */
  it('sees the CPU taken by busy processes beside it', async () => {
    const busy = 2 * availableParallelism() - 1;
    const hogs = Array.from({ length: busy }, () => execa(process.execPath, ['-e', 'for (;;) {}'], { reject: false, stdin: 'ignore' }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const floor = measureMachineFloor(1500);
      assert.ok(floor.probeMs >= 1500 && floor.probeMs < 3000, `probe ${floor.probeMs} ms`);
      assert.ok(floor.takenFraction > 0.2, `taken ${floor.takenFraction} with ${busy} busy processes on ${availableParallelism()} cores`);
      assert.ok(floor.longestGapMs >= 1, `longest gap ${floor.longestGapMs} ms`);
      assert.ok(floor.zeroCostP99Ms > 0 && floor.zeroCostP999Ms >= floor.zeroCostP99Ms, JSON.stringify(floor));
    } finally {
      for (const hog of hogs) hog.kill();
      await Promise.all(hogs);
    }
  });
});
