/**
 * What a cache miss itself allocates, apart from the store message and the event-loop turn of
 * its batch: `node --expose-gc dist/test/support/miss-batch-child.js [contender] [rounds]
 * [batch] [windows]`. Prints one JSON line.
 *
 * Each round submits `batch` requests that all miss (acks of keys never seen, so each loads
 * from the memory store, inserts, and evicts a dirty state that is written back) to the real
 * service, then lets the event loop run until every one is answered. A round is one store batch
 * or a few, so what is made per batch counts 1/batch per miss, and what is made per miss counts
 * whole. Timing plays no part, so the figure hardly depends on how busy the machine is (the
 * driver's, in miss-path-child.ts, does: a busy machine puts more misses in each batch).
 *
 * With a service that has submit() (issue 22) misses are submitted and answered through the
 * answer sink; without it (older code) through handle()'s promise, with a then() per request as
 * the driver had, so the same child measures the code before issue 22 too.
 */
import { AllocationMeter } from '../../harness/measure/allocation-meter.js';
import { createService } from '../../harness/service/create-service.js';
import type { RequestService } from '../../harness/service/request-service.js';
import { ACK, OPEN, type RequestLog, RequestLogBuilder } from '../../harness/workload/request-log.js';
import { loadScenario } from '../../harness/workload/scenario.js';
import { resolveContender } from '../../implementations/registry.js';

const contenderName = process.argv[2] ?? 'typed-array';
const rounds = Number(process.argv[3] ?? 400);
const batch = Number(process.argv[4] ?? 100);
const windows = Number(process.argv[5] ?? 3);
const CAPACITY = 20_000;
const WARM_ROUNDS = 200;

const total = (WARM_ROUNDS + rounds * windows) * batch;
const builder = new RequestLogBuilder();
for (let i = 0; i < total; i++) {
  // Every other miss a read (open), every other an ack that leaves the state dirty.
  if (i % 2 === 0) builder.add(ACK, 1_000_000 + i, i % 1000, 2 ** 50 + i, []);
  else builder.add(OPEN, 1_000_000 + i, i % 1000, 0, []);
}
const log: RequestLog = builder.build();

function* warmStates() {
  for (let i = 0; i < CAPACITY; i++) yield { userId: i, channelId: 1, lastReadMessageId: 0, mentionCount: 0, updatedAt: 0 };
}

const scenario = { ...loadScenario('discord-2min'), capacity: CAPACITY, writeBackDelaySeconds: 365 * 86_400 };
const service: RequestService = createService(await resolveContender(contenderName), {
  scenario,
  store: 'memory',
  storePathPrefix: '/tmp/unused-miss-batch',
  clock: () => 0,
  log,
});
await service.warm(warmStates());
service.start(performance.now(), undefined);

let answered = 0;
let target = 0;
let roundDone: (() => void) | undefined;
const countOne = (): void => {
  answered++;
  if (answered === target) roundDone?.();
};
const withSink = service.submit !== undefined && service.setAnswerSink !== undefined;
if (withSink) {
  service.setAnswerSink!({
    answered: countOne,
    failed: (error) => {
      throw error;
    },
  });
}
const fail = (error: unknown): void => {
  throw error;
};

let next = 0;
async function round(): Promise<void> {
  let waiting = 0;
  for (let j = 0; j < batch; j++) {
    const i = next++;
    if (withSink) waiting += service.submit!(log, i, 0);
    else {
      const pending = service.handle(log, i, 0);
      if (pending !== undefined) {
        waiting++;
        pending.then(countOne, fail);
      }
    }
  }
  target = answered + waiting;
  if (answered < target) await new Promise<void>((resolve) => (roundDone = resolve));
}

for (let r = 0; r < WARM_ROUNDS; r++) await round();
globalThis.gc?.();
const results: Array<{ bytesPerMiss: number; misses: number }> = [];
for (let w = 0; w < windows; w++) {
  const missesBefore = service.counters().misses;
  const meter = new AllocationMeter();
  for (let r = 0; r < rounds; r++) await round();
  const figures = meter.stop(rounds * batch);
  const misses = service.counters().misses - missesBefore;
  results.push({ bytesPerMiss: Math.round(figures.bytes / misses), misses });
}
const counters = service.counters();
await service.flush();
await service.close();
process.stdout.write(
  `${JSON.stringify({ contender: contenderName, batch, misses: counters.misses, writeBacks: counters.writeBacks, hits: counters.hits, windows: results })}\n`,
);
process.exit(0);
