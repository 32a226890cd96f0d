import type { Worker } from 'node:worker_threads';
import type { ReadState } from '../../implementations/contract.js';
import { startWorker } from '../entry-points.js';
import {
  FOUND_WIDTH,
  WRITE_WIDTH,
  type StoreReply,
  type StoreRequest,
  type StoreWorkerOptions,
} from './protocol.js';

type LoadCallback = (state: ReadState | undefined) => void;

/**
 * The service's side of the store: an asynchronous database in another thread, like a remote
 * one. Writes and loads issued during one turn of the event loop travel as one batch.
 */
export class StoreClient {
  readonly #worker: Worker;
  #writes: number[] = [];
  #loads: number[] = [];
  #loadCallbacks: LoadCallback[] = [];
  #flushScheduled = false;
  #seq = 0;
  readonly #inFlight = new Map<number, Pending>();
  #failure: Error | undefined;
  #writeCount = 0;
  /** Called once when the store fails, so a run can stop instead of waiting on lost loads. */
  onFailure: ((error: Error) => void) | undefined;

  constructor(options: StoreWorkerOptions) {
    this.#worker = startWorker(import.meta.url, './worker.js', { workerData: options });
    this.#worker.on('message', (reply: StoreReply) => {
      const pending = this.#inFlight.get(reply.seq);
      this.#inFlight.delete(reply.seq);
      if (reply.kind === 'error') this.#fail(new Error(`store: ${reply.message}`));
      else pending?.settle(reply);
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => {
      if (this.#inFlight.size > 0) this.#fail(new Error(`store: worker exited with code ${code}`));
    });
  }

  /** States handed to `write` since the store started. */
  get writeCount(): number {
    return this.#writeCount;
  }

  write(state: ReadState): void {
    this.#writes.push(state.userId, state.channelId, state.lastReadMessageId, state.mentionCount, state.updatedAt);
    this.#writeCount++;
    this.#scheduleFlush();
  }

  /** Calls `done` with the stored state of (userId, channelId), or undefined if none is stored. */
  load(userId: number, channelId: number, done: LoadCallback): void {
    this.#loads.push(userId, channelId);
    this.#loadCallbacks.push(done);
    this.#scheduleFlush();
  }

  /** Resolves once every write and load issued so far has been applied by the store. */
  async settled(): Promise<void> {
    this.#flush();
    await this.#request({ kind: 'batch', seq: this.#seq++, writes: new Float64Array(0), loads: new Float64Array(0) });
  }

  /** Every state the store holds. */
  async dump(): Promise<ReadState[]> {
    await this.settled();
    const reply = await this.#request({ kind: 'dump', seq: this.#seq++ });
    if (reply.kind !== 'dump') throw new Error('store: unexpected reply to dump');
    const states: ReadState[] = [];
    const rows = reply.states;
    for (let i = 0; i < rows.length; i += WRITE_WIDTH) {
      states.push({
        userId: rows[i]!,
        channelId: rows[i + 1]!,
        lastReadMessageId: rows[i + 2]!,
        mentionCount: rows[i + 3]!,
        updatedAt: rows[i + 4]!,
      });
    }
    return states;
  }

  async close(): Promise<void> {
    if (this.#failure === undefined) {
      await this.settled();
      await this.#request({ kind: 'close', seq: this.#seq++ });
    }
    await this.#worker.terminate();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#writes.length === 0 && this.#loads.length === 0) return;
    const callbacks = this.#loadCallbacks;
    const request: StoreRequest = {
      kind: 'batch',
      seq: this.#seq++,
      writes: Float64Array.from(this.#writes),
      loads: Float64Array.from(this.#loads),
    };
    this.#writes = [];
    this.#loads = [];
    this.#loadCallbacks = [];
    this.#send(request, (reply) => {
      if (reply.kind !== 'batch') return;
      const found = reply.found;
      for (let i = 0; i < callbacks.length; i++) {
        const at = i * FOUND_WIDTH;
        const userId = request.loads[i * 2]!;
        const channelId = request.loads[i * 2 + 1]!;
        callbacks[i]!(
          found[at] === 1
            ? { userId, channelId, lastReadMessageId: found[at + 1]!, mentionCount: found[at + 2]!, updatedAt: found[at + 3]! }
            : undefined,
        );
      }
    });
  }

  #request(request: StoreRequest): Promise<StoreReply> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#send(request, resolve, reject));
  }

  #send(request: StoreRequest, settle: (reply: StoreReply) => void, reject?: (error: Error) => void): void {
    this.#inFlight.set(request.seq, { settle, reject });
    // The load list is still needed when the reply comes back, so only the write list moves.
    const transfer = request.kind === 'batch' ? [request.writes.buffer as ArrayBuffer] : [];
    this.#worker.postMessage(request, transfer);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#inFlight.values()) pending.reject?.(error);
    this.#inFlight.clear();
    this.onFailure?.(error);
  }
}

interface Pending {
  settle: (reply: StoreReply) => void;
  /** Only awaited requests have one; batch replies go to their load callbacks. */
  reject: ((error: Error) => void) | undefined;
}
