import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { emptyState } from '../../implementations/contract.js';
import { createFrom, resolveContender } from '../../implementations/registry.js';
import { timeFullGc } from '../measure/forced-gc.js';
import { LatencyRecorder } from '../measure/latency-recorder.js';
import { prepareFastHistograms } from '../results/histogram.js';
import type { MicroTaskResult } from '../results/schema.js';
import { FULL_GC_SAMPLES, OPS_PER_SAMPLE } from '../tuning.js';
import { Prng } from '../workload/prng.js';

export interface MicroConfig {
  readonly contender: string;
  /** A module contender's absolute path; else undefined. */
  readonly modulePath?: string | undefined;
  readonly capacity: number;
  /** tinybench time per task, ms. */
  readonly timeMs: number;
  readonly seed: number;
}

export interface MicroResult {
  readonly tasks: MicroTaskResult[];
  /** Median of FULL_GC_SAMPLES forced full GCs with the filled cache (and nothing else) on the heap. */
  readonly fullGcMs: number;
}

/**
 * Hit-path microbenchmarks of one contender with tinybench, run in a child process of its own
 * so no other contender's classes share its JIT call sites. Keys are drawn in advance from the
 * cached ones, so every operation hits and the loop around it costs the same for everyone.
 */
export async function runMicro(config: MicroConfig): Promise<MicroResult> {
  const { capacity } = config;
  const contender = await resolveContender(config.modulePath ?? config.contender);
  if (contender.kind !== 'cache') throw new Error(`${contender.name} is a service; micro times caches`);
  const cache = createFrom(contender, { capacity });
  for (let i = 0; i < capacity; i++) {
    cache.insert({ userId: i, channelId: i & 1023, lastReadMessageId: 1, mentionCount: 0, updatedAt: 0 }, 0);
  }
  const fullGcMs = timeFullGc(FULL_GC_SAMPLES);
  const random = new Prng(config.seed);
  const keys = new Uint32Array(1 << 16);
  for (let i = 0; i < keys.length; i++) keys[i] = random.nextInt(capacity);
  const mask = keys.length - 1;
  const into = emptyState();
  let cursor = 0;
  let now = 1;

  await prepareFastHistograms();
  const recorder = new LatencyRecorder(performance.now(), 1000);
  const bench = new Bench({ time: config.timeMs, warmupTime: Math.min(200, config.timeMs) });
  bench.add('read', () => {
    for (let i = 0; i < OPS_PER_SAMPLE; i++) {
      const user = keys[cursor++ & mask]!;
      cache.read(user, user & 1023, into);
    }
  });
  bench.add('ack', () => {
    now++;
    for (let i = 0; i < OPS_PER_SAMPLE; i++) {
      const user = keys[cursor++ & mask]!;
      cache.ack(user, user & 1023, now, now);
    }
  });
  bench.add('mention', () => {
    now++;
    for (let i = 0; i < OPS_PER_SAMPLE; i++) {
      const user = keys[cursor++ & mask]!;
      cache.mention(user, user & 1023, now);
    }
  });
  // What the open-loop driver adds to every request: a clock read and three histogram records.
  bench.add('harness: time and record one request', () => {
    for (let i = 0; i < OPS_PER_SAMPLE; i++) {
      const done = performance.now();
      recorder.record(i & 3, done - (done - 0.004), done);
    }
  });
  await bench.run();
  // Dirty entries from ack/mention are not written anywhere here; drain so close() is clean.
  cache.drainDue(Infinity, () => {});
  cache.close();
  recorder.destroy();

  const tasks = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`micro task ${task.name}: ${result.state}`);
    const meanMs = result.latency.mean;
    return {
      task: task.name,
      opsPerSecond: (1000 / meanMs) * OPS_PER_SAMPLE,
      meanNsPerOp: (meanMs * 1e6) / OPS_PER_SAMPLE,
      p99NsPerOp: (result.latency.p99 * 1e6) / OPS_PER_SAMPLE,
      samples: result.latency.samplesCount,
    };
  });
  return { tasks, fullGcMs };
}
