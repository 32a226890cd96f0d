/**
 * Replays hit-only requests through the real service and driver and counts the scavenges they
 * cause: `node --expose-gc --max-semi-space-size=1 --min-semi-space-size=1
 * dist/test/support/hit-path-child.js [contender] [requests] [rate]` (the test runs it compiled;
 * `--import tsx test/support/hit-path-child.ts` runs the sources). Prints one JSON line.
 *
 * Every (user, channel) the log touches is warmed first and the cache holds twice as many, so
 * every operation hits; write-backs are pushed out of the run (a write-back delay of a year),
 * since they are the background work of the write-back timer, not the request path. A warm-up
 * first part of the replay lets V8 optimize the path before counting starts.
 *
 * Besides AllocationMeter (a file of its own), only APIs that predate the allocation work are
 * used (drive, LatencyRecorder's constructor, createService), so the same child measures older
 * code too.
 */
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import { AllocationMeter } from '../../harness/measure/allocation-meter.js';
import { LatencyRecorder } from '../../harness/measure/latency-recorder.js';
import { prepareFastHistograms } from '../../harness/results/histogram.js';
import { drive } from '../../harness/run/driver.js';
import { createService } from '../../harness/service/create-service.js';
import { Prng } from '../../harness/workload/prng.js';
import { ACK, MESSAGE, OPEN, RECONNECT, type RequestLog, RequestLogBuilder } from '../../harness/workload/request-log.js';
import { loadScenario } from '../../harness/workload/scenario.js';
import { resolveContender } from '../../implementations/registry.js';
import { heapProfileFrom } from './heap-profile.js';

const contenderName = process.argv[2] ?? 'typed-array';
const requests = Number(process.argv[3] ?? 500_000);
const rate = Number(process.argv[4] ?? 250_000);
const USERS = 5_000;
const CHANNELS_PER_USER = 4;
const channelOf = (user: number, k: number): number => (user % 1000) * CHANNELS_PER_USER + k;

/** Hit-only requests over USERS x CHANNELS_PER_USER keys, in discord-2min's mix. */
function hitOnlyLog(count: number, seed: number): RequestLog {
  const random = new Prng(seed);
  const builder = new RequestLogBuilder();
  let messageId = 2 ** 50;
  const list: number[] = [];
  for (let i = 0; i < count; i++) {
    const user = random.nextInt(USERS);
    const k = random.nextInt(CHANNELS_PER_USER);
    const channel = channelOf(user, k);
    const x = random.nextFloat();
    list.length = 0;
    if (x < 0.25) {
      // Mention users who have this channel too: the same user % 1000 and the same k.
      const mentions = random.nextInt(3);
      for (let m = 0; m < mentions; m++) list.push((user % 1000) + 1000 * random.nextInt(USERS / 1000));
      builder.add(MESSAGE, user, channel, messageId++, list);
    } else if (x < 0.55) {
      builder.add(ACK, user, channel, messageId - 1 - random.nextInt(100), []);
    } else if (x < 0.95) {
      builder.add(OPEN, user, channel, 0, []);
    } else {
      for (let c = 0; c < CHANNELS_PER_USER; c++) list.push(channelOf(user, c));
      builder.add(RECONNECT, user, 0, 0, list);
    }
  }
  return builder.build();
}

function* everyKey() {
  for (let user = 0; user < USERS; user++) {
    for (let k = 0; k < CHANNELS_PER_USER; k++) {
      yield { userId: user, channelId: channelOf(user, k), lastReadMessageId: 0, mentionCount: 0, updatedAt: 0 };
    }
  }
}

await prepareFastHistograms();
const base = loadScenario('discord-2min');
const scenario = { ...base, capacity: 2 * USERS * CHANNELS_PER_USER, rate, timeScale: 24, writeBackDelaySeconds: 365 * 86_400 };
/** Two seconds of requests before counting: long enough for V8 to optimize the whole path. */
const WARM_UP = 2 * rate;
const log = hitOnlyLog(WARM_UP + requests, 2);
let startMs = performance.now();
const service = createService(await resolveContender(contenderName), {
  scenario,
  store: 'memory',
  storePathPrefix: '/tmp/unused-hit-path',
  clock: () => (performance.now() - startMs) * scenario.timeScale,
  log,
});
await service.warm(everyKey());
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));

// One replay, as in a run; the first WARM_UP requests let V8 optimize the path (with V8
// optimizing on a background thread of a busy 2-core machine, that took up to 1.5 s), and only
// GCs that start after the last of them fell due are counted.
startMs = performance.now() + 1;
const countFromMs = startMs + (WARM_UP / rate) * 1000;
service.start(startMs, undefined);
let scavenges = 0;
let majors = 0;
const count = (entries: readonly PerformanceEntry[]): void => {
  for (const entry of entries) {
    if (entry.startTime < countFromMs) continue;
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
  }
};
const observer = new PerformanceObserver((list) => count(list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
let meter: AllocationMeter | undefined;
setTimeout(() => {
  meter = new AllocationMeter();
  // HIT_PATH_MARK=1: a line on stderr where counting starts, to read --trace-deopt against.
  if (process.env.HIT_PATH_MARK === '1') process.stderr.write('--- counting starts ---\n');
}, countFromMs - performance.now());

// HIT_PATH_HEAP_PROFILE=1: V8's sampling heap profiler over the counted requests, keeping
// samples of objects the GC already freed, so the sites that allocate garbage show (on stderr).
const profile = heapProfileFrom(process.env.HIT_PATH_HEAP_PROFILE === '1', countFromMs);

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
count(observer.takeRecords());
observer.disconnect();
const allocation = meter?.stop(requests);
await profile?.printSites(requests, 'request', 2);
const counters = service.counters();
await service.close();
process.stdout.write(
  `${JSON.stringify({
    contender: contenderName,
    requests,
    rate,
    achievedRate: Math.round(outcome.achievedRate),
    hits: counters.hits,
    misses: counters.misses,
    scavenges,
    majors,
    bytesPerRequest: allocation === undefined ? null : Number(allocation.bytesPerRequest.toFixed(2)),
  })}\n`,
);
process.exit(0);
