import { ReadStateService } from '../../harness/service/read-state-service.js';
import { StoreClient } from '../../harness/store/client.js';
import type { StoreKind } from '../../harness/store/protocol.js';
import type { RequestLog } from '../../harness/workload/request-log.js';
import { createCache } from '../../implementations/registry.js';

/**
 * Replays a log through a real service (real store worker), as fast as it answers, waiting for
 * each request before the next so that the final states are the same on every machine.
 */
export async function replay(
  log: RequestLog,
  options: { contender: string; capacity: number; store: StoreKind; path?: string; writeBackDelayMs?: number },
): Promise<ReadStateService> {
  let now = 0;
  const service = new ReadStateService({
    makeCache: (onEvict) => createCache(options.contender, { capacity: options.capacity, onEvict }),
    store: new StoreClient({ kind: options.store, path: options.path ?? ':memory:' }),
    clock: () => now,
    writeBackDelayMs: options.writeBackDelayMs ?? 50,
    writeBackEveryMs: 1,
    writeBackBatch: 100,
  });
  await service.warm([]);
  service.start(performance.now(), undefined);
  for (let i = 0; i < log.count; i++) {
    now += 10;
    const pending = service.handle(log, i, now);
    if (pending !== undefined) await pending;
    // Let the write-back timer run now and then, so due states get written mid-run.
    if (i % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return service;
}
