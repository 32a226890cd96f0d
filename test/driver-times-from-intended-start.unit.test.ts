import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { before, it } from 'node:test';
import { LatencyRecorder } from '../harness/measure/latency-recorder.js';
import { decodeHistogram, prepareFastHistograms } from '../harness/results/histogram.js';
import { drive } from '../harness/run/driver.js';
import type { RequestService } from '../harness/service/request-service.js';
import { OPEN, RequestLogBuilder } from '../harness/workload/request-log.js';
import { passInOneOfRuns } from './support/one-of-runs.js';

before(() => prepareFastHistograms());

/** A service that answers at once, except that request `stallAt` blocks the thread for `stallMs`. */
function stallingService(stallAt: number, stallMs: number): Pick<RequestService, 'handle'> {
  return {
    handle: (_log, i) => {
      if (i === stallAt) {
        const until = performance.now() + stallMs;
        while (performance.now() < until);
      }
      return undefined;
    },
  };
}

function openLog(count: number) {
  const builder = new RequestLogBuilder();
  for (let i = 0; i < count; i++) builder.add(OPEN, 1, 1, 0, []);
  return builder.build();
}

async function measure(closedLoop: boolean): Promise<{ p85Ms: number; p995Ms: number; count: number; saturated: boolean }> {
  const log = openLog(1000); // 1 s at 1000/s
  const startMs = performance.now() + 5;
  const recorder = new LatencyRecorder(startMs, 1000);
  const outcome = await drive({
    log,
    service: stallingService(100, 300),
    recorder,
    rate: 1000,
    timeScale: 1,
    startMs,
    closedLoop,
    giveUpAfterMs: 10_000,
    drainTimeoutMs: 1000,
  });
  const histogram = decodeHistogram(recorder.encode().overall);
  recorder.destroy();
  return {
    p85Ms: histogram.getValueAtPercentile(85) / 1e6,
    p995Ms: histogram.getValueAtPercentile(99.5) / 1e6,
    count: histogram.totalCount,
    saturated: outcome.saturated,
  };
}

it('open loop: a 300 ms stall shows in every request that fell due during it', async () => {
  // Catching up is judged on up to three runs: on a busy machine the OS can keep this process
  // off the CPU after the stall for longer than the 5% of the run that counts as falling behind,
  // which is real lateness, not the driver's. The stall must show in every run.
  await passInOneOfRuns('the driver caught up after the stall', 3, async () => {
    const { p85Ms, count, saturated } = await measure(false);
    assert.equal(count, 1000);
    // About 200 of the 1000 requests fell due more than 100 ms before the stall ended.
    assert.ok(p85Ms > 100, `p85 ${p85Ms} ms: too few requests saw the stall`);
    return saturated ? `fell behind (p85 ${p85Ms.toFixed(1)} ms)` : undefined;
  });
});

it('closed loop: the same stall shows in about one request (coordinated omission)', async () => {
  const { p995Ms, count } = await measure(true);
  assert.equal(count, 1000);
  assert.ok(p995Ms < 100, `p99.5 ${p995Ms} ms: more than a few requests saw the stall`);
});
