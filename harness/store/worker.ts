import { parentPort, workerData } from 'node:worker_threads';
import { DelayedReplies } from './delayed-replies.js';
import { MemoryStoreBackend } from './memory-backend.js';
import { openSqliteBackend } from './open-sqlite.js';
import { FOUND_WIDTH, LOAD_WIDTH, type StoreBackend, type StoreReply, type StoreRequest, type StoreWorkerData, WRITE_WIDTH } from './protocol.js';
import { WorkerChannel } from './worker-channel.js';

/** The store's own thread: its data and its work stay off the measured thread and heap. */
// Built by its only sender, StoreClient (client.ts), with `satisfies StoreWorkerData`.
const options = workerData as StoreWorkerData;
const port = parentPort!;
/** Batches come and their replies go through shared memory (store/batch-channel.ts); the rest as messages. */
const channel = new WorkerChannel(options.channel, port);
/** Set when a batch's writes failed; later batches bounce until a `resume` batch lands. */
let blockedBy: string | undefined;
/**
 * With a store latency profile, answers wait as a remote database's would, each read and write
 * for its own delay, in this thread, so the service's event loop never blocks on them
 * (store/delayed-replies.ts says which concurrency model and why). Failures are answered at
 * once: the client relies on refusals arriving in the order the batches were sent.
 */
const delayed = options.latency === undefined ? undefined : new DelayedReplies(options.latency, options.latencySeed ?? 1, post);

// Cassandra answers asynchronously, so its requests take a path of their own
// (store/cassandra-worker.ts); SQLite and memory keep the synchronous one below.
const handle = options.kind === 'cassandra' ? await (await import('./cassandra-worker.js')).openCassandraStore(options, post) : await openSyncStore();
if (handle !== undefined) {
  port.on('message', handle);
  channel.listen(handle);
} else port.close();

async function openSyncStore(): Promise<((request: StoreRequest) => void) | undefined> {
  const backend = await openBackend();
  return backend === undefined ? undefined : (request) => answer(backend, request);
}

async function openBackend(): Promise<StoreBackend | undefined> {
  try {
    const opened = options.kind === 'sqlite' ? await openSqliteBackend(options.path) : new MemoryStoreBackend();
    opened.selfTest();
    post({ kind: 'ready', seq: -1 });
    return opened;
  } catch (error) {
    post({ kind: 'startup-error', seq: -1, message: messageOf(error) });
    port.close();
    return undefined;
  }
}

function answer(store: StoreBackend, request: StoreRequest): void {
  try {
    switch (request.kind) {
      case 'batch':
        batch(store, request);
        break;
      case 'dump': {
        const states = store.dump();
        post({ kind: 'dump', seq: request.seq, states }, [states.buffer]);
        break;
      }
      case 'close':
        delayed?.clear();
        store.close();
        port.unref();
        post({ kind: 'close', seq: request.seq });
        break;
    }
  } catch (error) {
    post({ kind: 'error', seq: request.seq, message: messageOf(error) });
  }
}

function batch(store: StoreBackend, request: Extract<StoreRequest, { kind: 'batch' }>): void {
  const { seq, writes, loads } = request;
  if (blockedBy !== undefined && !request.resume) {
    post({ kind: 'batch', seq, persisted: false, writeError: blockedBy, loadError: blockedBy });
    return;
  }
  if (writes.length > 0) {
    try {
      store.atomically(() => {
        for (let i = 0; i < writes.length; i += WRITE_WIDTH) store.write(writes[i]!, writes[i + 1]!, writes[i + 2]!, writes[i + 3]!, writes[i + 4]!);
      });
      blockedBy = undefined;
    } catch (error) {
      blockedBy = `a write-back failed: ${messageOf(error)}`;
      post({ kind: 'batch', seq, persisted: false, writeError: blockedBy, loadError: blockedBy });
      return;
    }
  }
  if (loads.length === 0) {
    if (delayed !== undefined) delayed.add(seq, writes.length / WRITE_WIDTH, new Float64Array(0));
    else post({ kind: 'batch', seq, persisted: true });
    return;
  }
  const found = new Float64Array((loads.length / LOAD_WIDTH) * FOUND_WIDTH);
  try {
    store.atomically(() => {
      for (let i = 0, at = 0; i < loads.length; i += LOAD_WIDTH, at += FOUND_WIDTH) store.load(loads[i]!, loads[i + 1]!, found, at);
    });
  } catch (error) {
    post({ kind: 'batch', seq, persisted: true, loadError: `a load failed: ${messageOf(error)}` });
    return;
  }
  if (delayed !== undefined) delayed.add(seq, writes.length / WRITE_WIDTH, found);
  else post({ kind: 'batch', seq, persisted: true, found }, [found.buffer]);
}

function post(reply: StoreReply, transfer: ArrayBuffer[] = []): void {
  if (reply.kind === 'batch') channel.reply(reply);
  else port.postMessage(reply, transfer);
}

/** One line: SQLite errors carry their code ("SQLITE_FULL: database or disk is full"). */
function messageOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const message = typeof error === 'object' && error !== null && 'message' in error ? error.message : undefined;
  const text = String(message ?? error).split('\n')[0]!;
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
