/**
 * Replays requests of which one in `missEvery` misses the cache through the real driver,
 * service, typed-array cache and memory store, and measures what the measured thread allocates
 * per miss: `node --expose-gc dist/test/support/miss-path-child.js [contender] [requests]
 * [rate] [missEvery] [windows]`. Prints one JSON line.
 *
 * Hits are opens and acks of keys warmed into the cache (the hit path allocates nothing: see
 * hit-path-allocates-nothing.test.ts); misses are acks of keys never seen before, so each loads
 * from the store, inserts, and later evicts a dirty state that is written back, as a miss does
 * in a run. The replay runs `windows` back to back after a warm-up of two seconds, each with its
 * own AllocationMeter; a busy machine adds work (timers firing late, event-loop turns) to some
 * of them, so the caller judges the quietest. Only APIs that predate issue 22's miss path are
 * used (drive, createService, AllocationMeter), so the same child measures older code too.
 */
import { performance } from 'node:perf_hooks';
import { AllocationMeter } from '../../harness/measure/allocation-meter.js';
import { LatencyRecorder } from '../../harness/measure/latency-recorder.js';
import { prepareFastHistograms } from '../../harness/results/histogram.js';
import { drive } from '../../harness/run/driver.js';
import { createService } from '../../harness/service/create-service.js';
import { Prng } from '../../harness/workload/prng.js';
import { ACK, OPEN, type RequestLog, RequestLogBuilder } from '../../harness/workload/request-log.js';
import { loadScenario } from '../../harness/workload/scenario.js';
import { resolveContender } from '../../implementations/registry.js';
import { heapProfileFrom } from './heap-profile.js';

const contenderName = process.argv[2] ?? 'typed-array';
const requests = Number(process.argv[3] ?? 200_000);
const rate = Number(process.argv[4] ?? 100_000);
const missEvery = Number(process.argv[5] ?? 10);
const windows = Number(process.argv[6] ?? 3);
const HOT_USERS = 5_000;
const CHANNELS = 4;

function mixedLog(count: number, seed: number): RequestLog {
  const random = new Prng(seed);
  const builder = new RequestLogBuilder();
  let messageId = 2 ** 50;
  let fresh = 0;
  for (let i = 0; i < count; i++) {
    if (i % missEvery === missEvery - 1) {
      // A key nobody asked for before: a miss; the ack leaves it dirty, so it is written back
      // when evicted.
      fresh++;
      builder.add(ACK, HOT_USERS + fresh, fresh % 1000, messageId++, []);
    } else if (random.nextFloat() < 0.5) {
      builder.add(OPEN, random.nextInt(HOT_USERS), random.nextInt(CHANNELS), 0, []);
    } else {
      builder.add(ACK, random.nextInt(HOT_USERS), random.nextInt(CHANNELS), messageId - 1 - random.nextInt(100), []);
    }
  }
  return builder.build();
}

function* hotKeys() {
  for (let user = 0; user < HOT_USERS; user++) {
    for (let channel = 0; channel < CHANNELS; channel++) {
      yield { userId: user, channelId: channel, lastReadMessageId: 0, mentionCount: 0, updatedAt: 0 };
    }
  }
}

await prepareFastHistograms();
const base = loadScenario('discord-2min');
// Room for the hot keys and a few thousand fresh ones: every miss evicts a fresh key (the
// least recently used), which is dirty and written back. Write-backs by timer are pushed out
// of the run (a delay of a year): they are the timer's work, not the miss path's.
const scenario = { ...base, capacity: HOT_USERS * CHANNELS + 4_000, rate, timeScale: 24, writeBackDelaySeconds: 365 * 86_400 };
const WARM_UP = 2 * rate;
const log = mixedLog(WARM_UP + windows * requests, 3);
let startMs = performance.now();
const service = createService(await resolveContender(contenderName), {
  scenario,
  store: 'memory',
  storePathPrefix: '/tmp/unused-miss-path',
  clock: () => (performance.now() - startMs) * scenario.timeScale,
  log,
});
await service.warm(hotKeys());
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));

startMs = performance.now() + 1;
service.start(startMs, undefined);
const results: Array<{ bytesPerMiss: number; bytesPerRequest: number; scavenges: number; misses: number }> = [];
let meter: AllocationMeter | undefined;
let missesAtStart = 0;
const windowMs = (requests / rate) * 1000;
for (let w = 0; w <= windows; w++) {
  setTimeout(
    () => {
      const misses = service.counters().misses;
      if (meter !== undefined) {
        const figures = meter.stop(requests);
        const missed = misses - missesAtStart;
        results.push({
          bytesPerMiss: Math.round(figures.bytes / missed),
          bytesPerRequest: Number(figures.bytesPerRequest.toFixed(2)),
          scavenges: figures.scavenges,
          misses: missed,
        });
      }
      missesAtStart = misses;
      meter = w < windows ? new AllocationMeter() : undefined;
    },
    startMs + (WARM_UP / rate) * 1000 + w * windowMs - performance.now(),
  );
}

// MISS_PATH_HEAP_PROFILE=1: V8's sampling heap profiler over the counted requests, keeping
// samples of objects the GC already freed, so the sites that allocate per miss show (on stderr).
const profile = heapProfileFrom(process.env.MISS_PATH_HEAP_PROFILE === '1', startMs + (WARM_UP / rate) * 1000);

const recorder = new LatencyRecorder(startMs, 1000);
const outcome = await drive({
  log,
  service,
  recorder,
  rate,
  timeScale: scenario.timeScale,
  startMs,
  closedLoop: false,
  giveUpAfterMs: 120_000,
  drainTimeoutMs: 10_000,
});
await new Promise((resolve) => setTimeout(resolve, 20));
const counters = service.counters();
await profile?.printSites(
  results.reduce((n, w) => n + w.misses, 0),
  'miss',
  1,
);
await service.flush();
await service.close();
process.stdout.write(
  `${JSON.stringify({
    contender: contenderName,
    requests,
    rate,
    achievedRate: Math.round(outcome.achievedRate),
    hits: counters.hits,
    misses: counters.misses,
    writeBacks: counters.writeBacks,
    windows: results,
  })}\n`,
);
process.exit(0);
