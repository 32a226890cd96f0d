import { parentPort, workerData } from 'node:worker_threads';
import { MemoryStoreBackend } from './memory-backend.js';
import { SqliteStoreBackend } from './sqlite-backend.js';
import {
  FOUND_WIDTH,
  LOAD_WIDTH,
  WRITE_WIDTH,
  type StoreBackend,
  type StoreReply,
  type StoreRequest,
  type StoreWorkerOptions,
} from './protocol.js';

/** The store's own thread: its data and its work stay off the measured thread and heap. */
const options = workerData as StoreWorkerOptions;
const port = parentPort!;
const backend: StoreBackend =
  options.kind === 'sqlite' ? new SqliteStoreBackend(options.path) : new MemoryStoreBackend();

port.on('message', (request: StoreRequest) => {
  try {
    port.postMessage(...handle(request));
  } catch (error) {
    const reply: StoreReply = { kind: 'error', seq: request.seq, message: (error as Error).message };
    port.postMessage(reply);
  }
});

function handle(request: StoreRequest): [StoreReply, ArrayBuffer[]] {
  switch (request.kind) {
    case 'batch': {
      const { writes, loads } = request;
      const found = new Float64Array((loads.length / LOAD_WIDTH) * FOUND_WIDTH);
      backend.atomically(() => {
        for (let i = 0; i < writes.length; i += WRITE_WIDTH) {
          backend.write(writes[i]!, writes[i + 1]!, writes[i + 2]!, writes[i + 3]!, writes[i + 4]!);
        }
        for (let i = 0, at = 0; i < loads.length; i += LOAD_WIDTH, at += FOUND_WIDTH) {
          backend.load(loads[i]!, loads[i + 1]!, found, at);
        }
      });
      return [{ kind: 'batch', seq: request.seq, found }, [found.buffer as ArrayBuffer]];
    }
    case 'dump': {
      const states = backend.dump();
      return [{ kind: 'dump', seq: request.seq, states }, [states.buffer as ArrayBuffer]];
    }
    case 'close':
      backend.close();
      port.unref();
      return [{ kind: 'close', seq: request.seq }, []];
  }
}
