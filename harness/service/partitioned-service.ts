import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { ReadState } from '../../implementations/contract.js';
import { partitionCapacity, partitionOf } from '../../implementations/partition-of.js';
import { startWorker } from '../entry-points.js';
import { type ForcedGcPlan, type GcReport, ThreadGc } from '../measure/thread-gc.js';
import type { ServiceCounters } from '../results/schema.js';
import { WRITE_WIDTH } from '../store/protocol.js';
import { WARM_CHUNK } from '../tuning.js';
import { MESSAGE, type RequestLog } from '../workload/request-log.js';
import type { PartitionReply, PartitionRequest, PartitionWorkerData } from './partition-protocol.js';
import { addCounters, addFootprints, type Footprint, type RequestService } from './request-service.js';

/** What a partition worker (partition-worker.ts) replies to each request it is asked. */
interface Answers {
  warmDone: Footprint;
  finish: { gc: GcReport[]; fullGcPauseMs: number };
  flush: unknown;
  contents: { cache: ReadState[]; store: ReadState[] };
  close: unknown;
}
type Asked = keyof Answers;

export type PartitionSettings = Omit<PartitionWorkerData, 'partition' | 'capacity' | 'storePath'> & {
  /** Read states held by all partitions together. */
  readonly totalCapacity: number;
  /** Each partition stores into `${storePathPrefix}-p<k>`. */
  readonly storePathPrefix: string;
};

/**
 * Discord's partitioning, done the only way that bounds GC work in V8: N worker threads, each
 * with its own heap, cache and store, each owning the users that hash to it. The main thread
 * routes request numbers to the partitions a request touches (the log itself is shared) and
 * answers when all of them are done. What it buys: each forced GC scans one partition's heap,
 * and partitions force theirs at staggered times. What it costs: a message round trip per
 * request, and a heap, a store and a thread per partition.
 */
export class PartitionedService implements RequestService {
  readonly #workers: Worker[];
  readonly #partitions: number;
  /** Request numbers waiting to be sent to each partition this turn. */
  #outgoing: number[][];
  #sendScheduled = false;
  /** For each request in flight, how many partitions have not answered yet, and its resolver. */
  readonly #waiting = new Map<number, { parts: number; resolve: () => void }>();
  readonly #counters: ServiceCounters[];
  /** Each partition's heap as it last reported it. */
  readonly #heaps: Array<{ usedBytes: number; totalBytes: number }>;
  readonly #replies = new Map<number, (value: unknown) => void>();
  #seq = 0;
  #mainGc: ThreadGc | undefined;
  readonly failed: Promise<never>;

  constructor(settings: PartitionSettings) {
    const n = settings.partitions;
    this.#partitions = n;
    this.#outgoing = Array.from({ length: n }, () => []);
    this.#counters = Array.from({ length: n }, () => ({ hits: 0, misses: 0, evictions: 0, writeBacks: 0, persisted: 0, cacheSize: 0 }));
    this.#heaps = Array.from({ length: n }, () => ({ usedBytes: 0, totalBytes: 0 }));
    let fail: (error: Error) => void = () => {};
    this.failed = new Promise<never>((_, reject) => (fail = reject));
    this.failed.catch(() => {});
    const { totalCapacity, storePathPrefix, ...shared } = settings;
    this.#workers = Array.from({ length: n }, (_, partition) => {
      const data: PartitionWorkerData = {
        ...shared,
        partition,
        // Every partition holds at least one state.
        capacity: Math.max(1, partitionCapacity(partition, totalCapacity, n)),
        storePath: `${storePathPrefix}-p${partition}`,
      };
      const worker = startWorker(import.meta.url, './partition-worker.js', {
        workerData: data,
        resourceLimits: { maxOldGenerationSizeMb: 16_384 },
      });
      worker.on('message', (reply: PartitionReply) => this.#receive(partition, reply, fail));
      worker.on('error', (error) => fail(new Error(`partition ${partition}: ${error.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`partition ${partition} exited with code ${code}`));
      });
      return worker;
    });
  }

  async warm(states: Iterable<ReadState>): Promise<Footprint> {
    let chunks: number[][] = this.#outgoing.map(() => []);
    const sendChunk = (partition: number): void => {
      this.#post(partition, { kind: 'warm', states: Float64Array.from(chunks[partition]!) });
      chunks[partition] = [];
    };
    for (const state of states) {
      const partition = partitionOf(state.userId, this.#partitions);
      const chunk = chunks[partition]!;
      chunk.push(state.userId, state.channelId, state.lastReadMessageId, state.mentionCount, state.updatedAt);
      if (chunk.length >= WARM_CHUNK * WRITE_WIDTH) sendChunk(partition);
    }
    chunks.forEach((_, partition) => sendChunk(partition));
    chunks = [];
    return addFootprints(await this.#askAll('warmDone'));
  }

  start(originMs: number, forcedGc: Omit<ForcedGcPlan, 'offsetMs'> | undefined): void {
    // The main thread only routes; its own heap is small, and no forced GC is aimed at it.
    this.#mainGc = new ThreadGc('main', originMs, undefined);
    const startEpochMs = performance.timeOrigin + originMs;
    for (let partition = 0; partition < this.#partitions; partition++) {
      this.#post(partition, { kind: 'start', startEpochMs, forcedGc });
    }
  }

  handle(log: RequestLog, i: number, _now: number): Promise<void> {
    let parts = 0;
    let mask = 0;
    const route = (userId: number): void => {
      const partition = partitionOf(userId, this.#partitions);
      if ((mask & (1 << partition)) !== 0) return;
      mask |= 1 << partition;
      parts++;
      this.#outgoing[partition]!.push(i);
    };
    route(log.userId[i]!);
    if (log.type[i] === MESSAGE) {
      for (let j = log.listStart[i]!; j < log.listStart[i + 1]!; j++) route(log.list[j]!);
    }
    this.#scheduleSend();
    return new Promise((resolve) => this.#waiting.set(i, { parts, resolve }));
  }

  async finishMeasuring(): Promise<{ gc: GcReport[]; fullGcPauseMs: number }> {
    // One partition at a time: four full GCs at once on two cores would time each other.
    const reports: Array<{ gc: GcReport[]; fullGcPauseMs: number }> = [];
    for (let partition = 0; partition < this.#partitions; partition++) {
      reports.push(await this.#ask(partition, 'finish'));
    }
    const main = this.#mainGc?.report();
    return {
      gc: [...(main === undefined ? [] : [main]), ...reports.flatMap((r) => r.gc)],
      // Each partition pauses only its own thread: the longest of them is what a request sees.
      fullGcPauseMs: Math.max(0, ...reports.map((r) => r.fullGcPauseMs)),
    };
  }

  async flush(): Promise<void> {
    await this.#askAll('flush');
  }

  async contents(): Promise<{ cache: ReadState[]; store: ReadState[] }> {
    const parts = await this.#askAll('contents');
    return { cache: parts.flatMap((p) => p.cache), store: parts.flatMap((p) => p.store) };
  }

  counters(): ServiceCounters {
    return addCounters(this.#counters);
  }

  cacheOffHeapBytes(): number {
    return 0;
  }

  /** The partitions' heaps together: most of this service's memory, outside the main thread's heap. */
  otherHeapsBytes(): { usedBytes: number; totalBytes: number } {
    let usedBytes = 0;
    let totalBytes = 0;
    for (const heap of this.#heaps) {
      usedBytes += heap.usedBytes;
      totalBytes += heap.totalBytes;
    }
    return { usedBytes, totalBytes };
  }

  async close(): Promise<void> {
    await this.#askAll('close');
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #scheduleSend(): void {
    if (this.#sendScheduled) return;
    this.#sendScheduled = true;
    queueMicrotask(() => {
      this.#sendScheduled = false;
      this.#outgoing.forEach((indices, partition) => {
        if (indices.length === 0) return;
        const batch = Int32Array.from(indices);
        this.#outgoing[partition] = [];
        this.#post(partition, { kind: 'requests', indices: batch }, [batch.buffer]);
      });
    });
  }

  #receive(partition: number, reply: PartitionReply, fail: (error: Error) => void): void {
    switch (reply.kind) {
      case 'done': {
        const [hits, misses, evictions, writeBacks, persisted, cacheSize] = reply.counters;
        this.#counters[partition] = { hits, misses, evictions, writeBacks, persisted, cacheSize };
        for (const i of reply.indices) {
          const waiting = this.#waiting.get(i)!;
          if (--waiting.parts === 0) {
            this.#waiting.delete(i);
            waiting.resolve();
          }
        }
        return;
      }
      case 'reply':
        this.#replies.get(reply.seq)?.(reply.value);
        this.#replies.delete(reply.seq);
        return;
      case 'heap':
        this.#heaps[partition] = { usedBytes: reply.usedBytes, totalBytes: reply.totalBytes };
        return;
      case 'failed':
        fail(new Error(`partition ${partition}: ${reply.message}`));
    }
  }

  #post(partition: number, request: PartitionRequest, transfer: ArrayBuffer[] = []): void {
    this.#workers[partition]!.postMessage(request, transfer);
  }

  /** Sends a request to one partition and resolves with its answer. */
  #ask<K extends Asked>(partition: number, kind: K): Promise<Answers[K]> {
    const seq = this.#seq++;
    const answer = new Promise<unknown>((resolve) => {
      this.#replies.set(seq, resolve);
      this.#post(partition, { kind, seq });
    });
    // A worker's message: partition-worker.ts answers `kind` with Answers[K], and nothing here can check it.
    return Promise.race([answer, this.failed]) as Promise<Answers[K]>;
  }

  /** Sends a request to every partition at once and resolves with their answers, in partition order. */
  #askAll<K extends Asked>(kind: K): Promise<Answers[K][]> {
    return Promise.all(this.#workers.map((_, partition) => this.#ask(partition, kind)));
  }
}
