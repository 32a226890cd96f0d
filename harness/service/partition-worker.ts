import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadState } from '../../implementations/contract.js';
import { partitionOf } from '../../implementations/partition-of.js';
import { createCache } from '../../implementations/registry.js';
import { describeError } from '../errors.js';
import { StoreClient } from '../store/client.js';
import { WRITE_WIDTH } from '../store/protocol.js';
import type { PartitionReply, PartitionRequest, PartitionWorkerData } from './partition-protocol.js';
import { ReadStateService } from './read-state-service.js';

/**
 * One partition of the partitioned service: its own thread, so its own V8 heap, with its own
 * cache and store, applying the operations of the users that hash to it.
 */
// Built by its only sender, PartitionedService (partitioned-service.ts), as PartitionWorkerData.
const data = workerData as PartitionWorkerData;
const port = parentPort!;
let startEpochMs: number | undefined;
const clock = (): number => (startEpochMs === undefined ? 0 : (performance.timeOrigin + performance.now() - startEpochMs) * data.timeScale);
const service = new ReadStateService({
  makeCache: (onEvict) => createCache(data.contender, { capacity: data.capacity, onEvict }),
  // Each partition's store draws its own delays (seeded by its number), as separate databases would.
  store: new StoreClient({ kind: data.store, path: data.storePath, cassandra: data.cassandra, latency: data.storeLatency, latencySeed: data.partition + 1 }),
  clock,
  writeBackDelayMs: data.writeBackDelayMs,
  writeBackEveryMs: data.writeBackEveryMs,
  writeBackBatch: data.writeBackBatch,
  owns: (userId) => partitionOf(userId, data.partitions) === data.partition,
  thread: `partition ${data.partition}`,
  // Staggered: partition k forces its GCs k/N of an interval after partition 0 does.
  forcedGcOffsetMs: (intervalMs) => (intervalMs * (data.partition + 1)) / data.partitions,
});
service.failed.catch((error: Error) => post({ kind: 'failed', message: error.message }));

/**
 * How often, while measuring, the partition tells the main thread its heap size: the main
 * thread's window samples add every partition's heap to its own (a partition's heap is most of
 * the service's), at most this stale.
 */
const HEAP_REPORT_MS = 250;
let heapTimer: NodeJS.Timeout | undefined;

function reportHeap(): void {
  const heap = getHeapStatistics();
  post({ kind: 'heap', usedBytes: heap.used_heap_size, totalBytes: heap.total_heap_size });
}

const warmChunks: Float64Array[] = [];
let done: number[] = [];
let replyScheduled = false;

function post(reply: PartitionReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

function finished(index: number): void {
  done.push(index);
  if (replyScheduled) return;
  replyScheduled = true;
  queueMicrotask(() => {
    replyScheduled = false;
    const indices = Int32Array.from(done);
    done = [];
    const c = service.counters();
    post({ kind: 'done', indices, counters: [c.hits, c.misses, c.evictions, c.writeBacks, c.persisted ?? 0, c.cacheSize] }, [indices.buffer]);
  });
}

function* warmStates(): Generator<ReadState> {
  for (const chunk of warmChunks) {
    for (let i = 0; i < chunk.length; i += WRITE_WIDTH) {
      yield { userId: chunk[i]!, channelId: chunk[i + 1]!, lastReadMessageId: chunk[i + 2]!, mentionCount: chunk[i + 3]!, updatedAt: chunk[i + 4]! };
    }
  }
}

port.on('message', async (request: PartitionRequest) => {
  try {
    switch (request.kind) {
      case 'requests': {
        const now = clock();
        for (const i of request.indices) {
          const pending = service.handle(data.log, i, now);
          if (pending === undefined) finished(i);
          else pending.then(() => finished(i));
        }
        return;
      }
      case 'warm':
        warmChunks.push(request.states);
        return;
      case 'warmDone': {
        const footprint = await service.warm(warmStates());
        warmChunks.length = 0;
        reportHeap();
        return post({ kind: 'reply', seq: request.seq, value: footprint });
      }
      case 'start':
        startEpochMs = request.startEpochMs;
        service.start(request.startEpochMs - performance.timeOrigin, request.forcedGc);
        heapTimer = setInterval(reportHeap, HEAP_REPORT_MS);
        heapTimer.unref();
        return;
      case 'finish':
        clearInterval(heapTimer);
        reportHeap();
        return post({ kind: 'reply', seq: request.seq, value: await service.finishMeasuring() });
      case 'flush':
        await service.flush();
        return post({ kind: 'reply', seq: request.seq, value: null });
      case 'contents': {
        const contents = await service.contents();
        return post({ kind: 'reply', seq: request.seq, value: { cache: contents.cache, store: contents.store } });
      }
      case 'close':
        await service.close();
        post({ kind: 'reply', seq: request.seq, value: null });
        port.close();
        return;
    }
  } catch (error) {
    post({ kind: 'failed', message: describeError(error) });
  }
});
