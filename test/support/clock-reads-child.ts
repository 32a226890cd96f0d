/**
 * Spins on the lab's clock the way the driver waits for a request that is not due yet, and
 * meters what the reads allocate: `<runtime> dist/test/support/clock-reads-child.js` (compiled,
 * as the test runs it). Prints one JSON line. Runs on every runtime the lab supports, so it uses
 * nothing but the clock and the allocation meter.
 */
import { AllocationMeter } from '../../harness/measure/allocation-meter.js';
import { clockAllocates, nowMs } from '../../harness/measure/clock.js';

const slots = new Float64Array(2);

/** The driver's spinUntilDue: no float argument or result, so only the clock can allocate. */
function spinUntil(): void {
  const until = slots[0]!;
  let t = nowMs();
  let reads = 1;
  while (t < until) {
    t = nowMs();
    reads++;
  }
  slots[1] = slots[1]! + reads;
}

/** Spins in 0.2 ms waits, as between requests at 5,000 a second, for `ms` of wall time; returns the reads. */
function spinFor(ms: number): number {
  slots[1] = 0;
  const end = nowMs() + ms;
  while (nowMs() < end) {
    slots[0] = nowMs() + 0.2;
    spinUntil();
  }
  return slots[1]!;
}

// Until the optimizing compiler has taken the loops (later on a busy machine: it compiles on a
// background thread), every read is a heap number whatever the clock; in a real run it has long
// since. So the child meters five windows after a warm-up and reports the quietest: a clock that
// allocates does so in every window, optimized or not.
spinFor(300);
let quietest: { reads: number; bytes: number; bytesPerRead: number } | undefined;
for (let window = 0; window < 5; window++) {
  const meter = new AllocationMeter();
  const reads = spinFor(200);
  const { bytes, bytesPerRequest } = meter.stop(reads);
  if (quietest === undefined || bytesPerRequest < quietest.bytesPerRead) quietest = { reads, bytes, bytesPerRead: bytesPerRequest };
}
console.log(JSON.stringify({ clockAllocates, ...quietest }));
