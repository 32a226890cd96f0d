import type { Worker } from 'node:worker_threads';
import type { ReadState } from '../../implementations/contract.js';
import { startWorker } from '../entry-points.js';
import { STORE_RETRY_FIRST_MS, STORE_RETRY_MAX_MS } from '../tuning.js';
import { InFlight } from './in-flight.js';
import { NumberQueue } from './number-queue.js';
import { FOUND_WIDTH, type StoreReply, type StoreRequest, type StoreWorkerOptions, WRITE_WIDTH } from './protocol.js';

/** Called with the stored state (undefined when none is stored), or with why it could not load. */
export type LoadCallback = (state: ReadState | undefined, error?: StoreUnavailableError) => void;

/**
 * Where answers to tagged loads (StoreClient.loadTagged) go: one object for every load, so a
 * load carries a small integer instead of a callback of its own. `loaded` gets the stored state
 * as FOUND_WIDTH numbers of `found` from `at` (found[at] is 1 when a state is stored, 0 when
 * none is); read them before returning, the array is the batch's. `failed` gets why it could not.
 */
export interface TaggedLoadSink {
  loaded(tag: number, found: Float64Array, at: number): void;
  failed(tag: number, error: StoreUnavailableError): void;
}

/** The store cannot answer now; the request that needed it should fail (HTTP 503), not hang. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** What the store has done with the states handed to it, and whether it is failing now. */
export interface StoreStatus {
  /** Set while write-backs fail: why, and since when (performance.now()). */
  readonly failing: { readonly cause: string; readonly sinceMs: number } | undefined;
  /** States handed to `write` since the store started. */
  readonly handed: number;
  /** States the store has committed. */
  readonly persisted: number;
  /** States handed but not yet committed (queued, in flight, or waiting for a retry). */
  readonly pending: number;
}

/**
 * The service's side of the store: an asynchronous database in another thread, like a remote
 * one. Writes and loads issued during one turn of the event loop travel as one batch.
 *
 * Nothing handed to `write` is ever dropped. When a batch's writes fail, the worker refuses
 * every later batch until this client resends all the writes it refused, oldest first, in one
 * `resume` batch, retried with backoff (store/protocol.ts says why the order matters). While the
 * store is failing, new writes wait in the queue and new loads fail at once.
 */
export class StoreClient {
  readonly #worker: Worker;
  /** Writes not yet sent, WRITE_WIDTH numbers each. */
  readonly #queued = new NumberQueue();
  /** Writes the worker refused, in the order they were sent: resent first. */
  readonly #refused = new NumberQueue();
  /** Loads not yet sent, LOAD_WIDTH numbers each. */
  readonly #loads = new NumberQueue();
  /** Per queued load, its callback, or its tag (a small integer) for a tagged load. */
  #loadCallbacks: Array<LoadCallback | number> = [];
  #tagSink: TaggedLoadSink | undefined;
  #flushScheduled = false;
  /** The flush queueMicrotask runs: one function for the client, not a closure per batch. */
  readonly #flushNow = (): void => this.#flush();
  #seq = 0;
  readonly #inFlight = new InFlight<Pending>();
  #fatal: Error | undefined;
  #failing: StoreStatus['failing'];
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelayMs = STORE_RETRY_FIRST_MS;
  #closing = false;
  #handed = 0;
  #persisted = 0;
  #idleWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  readonly #ready: Promise<void>;
  /** Called once when the store worker dies: nothing more can be stored. */
  onFatal: ((error: Error) => void) | undefined;
  /** Called when the store starts failing and when it recovers. */
  onStatusChange: ((status: StoreStatus) => void) | undefined;

  constructor(options: StoreWorkerOptions) {
    this.#worker = startWorker(import.meta.url, './worker.js', { workerData: options });
    let started: (() => void) | undefined;
    let refused: ((error: Error) => void) | undefined;
    this.#ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      refused = reject;
    });
    this.#ready.catch(() => {}); // observed by whoever awaits ready()
    this.#worker.on('message', (reply: StoreReply) => {
      if (reply.kind === 'ready') return started?.();
      if (reply.kind === 'startup-error') {
        const where = options.kind === 'sqlite' ? `the store ${options.path}` : 'the store';
        return refused?.(new Error(`${where} cannot be used: ${reply.message}`));
      }
      const pending = this.#inFlight.get(reply.seq);
      // A delayed store answers a batch in parts (protocol.ts): the last one settles it.
      if (reply.kind !== 'batch' || reply.more !== true) this.#inFlight.delete(reply.seq);
      pending?.settle(reply);
      this.#notifyIfIdle();
    });
    this.#worker.on('error', (error) => this.#die(error));
    this.#worker.on('exit', (code) => {
      refused?.(new Error(`the store worker exited (code ${code}) before it was ready`));
      if (!this.#closing) this.#die(new Error(`store: worker exited with code ${code}`));
    });
  }

  /** Resolves once the store is open and took a test write; rejects with one line if it cannot. */
  ready(): Promise<void> {
    return this.#ready;
  }

  status(): StoreStatus {
    return { failing: this.#failing, handed: this.#handed, persisted: this.#persisted, pending: this.#handed - this.#persisted };
  }

  write(state: ReadState): void {
    this.#queued.push5(state.userId, state.channelId, state.lastReadMessageId, state.mentionCount, state.updatedAt);
    this.#handed++;
    this.#scheduleFlush();
  }

  load(userId: number, channelId: number, done: LoadCallback): void {
    if (this.#failing !== undefined || this.#fatal !== undefined) {
      done(undefined, new StoreUnavailableError(`store failing: ${this.#failing?.cause ?? this.#fatal?.message}`));
      return;
    }
    this.#loads.push2(userId, channelId);
    this.#loadCallbacks.push(done);
    this.#scheduleFlush();
  }

  /** Where loadTagged's answers go; set once, before the first tagged load. */
  setTaggedLoadSink(sink: TaggedLoadSink): void {
    this.#tagSink = sink;
  }

  /**
   * Loads a state and answers the sink of setTaggedLoadSink with `tag`, a small integer: no
   * closure and no state object per load, so a miss allocates nothing here (the batch it
   * travels in is shared by every load and write of an event-loop turn). A store that is
   * failing answers at once, through the sink.
   */
  loadTagged(userId: number, channelId: number, tag: number): void {
    const sink = this.#tagSink;
    if (sink === undefined) throw new Error('store: loadTagged before setTaggedLoadSink');
    if (this.#failing !== undefined || this.#fatal !== undefined) {
      sink.failed(tag, new StoreUnavailableError(`store failing: ${this.#failing?.cause ?? this.#fatal?.message}`));
      return;
    }
    this.#loads.push2(userId, channelId);
    this.#loadCallbacks.push(tag);
    this.#scheduleFlush();
  }

  /**
   * Resolves once every write handed so far is committed and every load answered. While the
   * store is failing it keeps waiting (the retries go on): race it with a deadline.
   */
  settled(): Promise<void> {
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    this.#flush();
    return new Promise((resolve, reject) => {
      this.#idleWaiters.push({ resolve, reject });
      this.#notifyIfIdle();
    });
  }

  /** Every state the store holds. */
  async dump(): Promise<ReadState[]> {
    await this.settled();
    const reply = await this.#request({ kind: 'dump', seq: this.#seq++ });
    if (reply.kind !== 'dump') throw new Error(`store: ${reply.kind === 'error' ? reply.message : 'unexpected reply to dump'}`);
    const states: ReadState[] = [];
    const rows = reply.states;
    for (let i = 0; i < rows.length; i += WRITE_WIDTH) {
      states.push({ userId: rows[i]!, channelId: rows[i + 1]!, lastReadMessageId: rows[i + 2]!, mentionCount: rows[i + 3]!, updatedAt: rows[i + 4]! });
    }
    return states;
  }

  /** Closes the store. Writes still pending are not waited for: call settled() first. */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#retryTimer);
    if (
      this.#fatal === undefined &&
      (await this.#ready.then(
        () => true,
        () => false,
      ))
    ) {
      await this.#request({ kind: 'close', seq: this.#seq++ }).catch(() => {});
    }
    await this.#worker.terminate();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#failing !== undefined) return;
    this.#flushScheduled = true;
    queueMicrotask(this.#flushNow);
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#failing !== undefined || this.#fatal !== undefined) return;
    if (this.#queued.length === 0 && this.#loads.length === 0) return;
    this.#sendBatch(false);
  }

  /** Sends queued writes (after refused ones, when resuming) and loads as one batch. */
  #sendBatch(resume: boolean): void {
    const writes = resume ? this.#queued.takeAfter(this.#refused.take()) : this.#queued.take();
    const loads = this.#loads.take();
    const callbacks = this.#loadCallbacks;
    this.#loadCallbacks = [];
    // The message carries a copy of `writes` (it is cloned, not transferred), so these numbers
    // stay here in case the worker refuses them.
    const request: StoreRequest = { kind: 'batch', seq: this.#seq++, writes, loads, resume };
    this.#inFlight.add(request.seq, {
      settle: (reply) => {
        if (reply.kind !== 'batch') return;
        if (reply.persisted) {
          this.#persisted += reply.writesDone ?? writes.length / WRITE_WIDTH;
          if (resume || writes.length > 0) this.#recovered();
        } else {
          // Replies arrive in the order batches were sent, so this keeps every refused write
          // in send order, ahead of anything queued since.
          this.#refused.pushAll(writes);
          this.#startFailing(reply.writeError ?? 'write-back failed');
        }
        this.#answerLoads(request.loads, callbacks, reply);
      },
    });
    this.#worker.postMessage(request);
  }

  #answerLoads(loads: Float64Array, callbacks: Array<LoadCallback | number>, reply: Extract<StoreReply, { kind: 'batch' }>): void {
    const { found, loadIndices } = reply;
    // A part of a delayed answer (protocol.ts) answers only the loads it names, in that order.
    const count = loadIndices === undefined ? callbacks.length : loadIndices.length;
    for (let n = 0; n < count; n++) {
      const i = loadIndices === undefined ? n : loadIndices[n]!;
      const callback = callbacks[i]!;
      if (found === undefined) {
        const error = new StoreUnavailableError(`store failing: ${reply.loadError ?? 'no answer'}`);
        if (typeof callback === 'number') this.#tagSink!.failed(callback, error);
        else callback(undefined, error);
        continue;
      }
      const at = n * FOUND_WIDTH;
      if (typeof callback === 'number') {
        this.#tagSink!.loaded(callback, found, at);
        continue;
      }
      const userId = loads[i * 2]!;
      const channelId = loads[i * 2 + 1]!;
      callback(found[at] === 1 ? { userId, channelId, lastReadMessageId: found[at + 1]!, mentionCount: found[at + 2]!, updatedAt: found[at + 3]! } : undefined);
    }
  }

  #startFailing(cause: string): void {
    if (this.#failing === undefined) {
      this.#failing = { cause, sinceMs: performance.now() };
      this.onStatusChange?.(this.status());
    }
    if (this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      // Retry only once every batch sent before has come back, so all refused writes are known.
      if (this.#inFlight.size > 0) return this.#startFailing(cause);
      this.#sendBatch(true);
    }, this.#retryDelayMs);
    this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, STORE_RETRY_MAX_MS);
  }

  #recovered(): void {
    this.#retryDelayMs = STORE_RETRY_FIRST_MS;
    if (this.#failing === undefined) return;
    this.#failing = undefined;
    this.onStatusChange?.(this.status());
    this.#scheduleFlush();
  }

  #notifyIfIdle(): void {
    const idle = this.#inFlight.size === 0 && this.#queued.length === 0 && this.#refused.length === 0 && this.#loads.length === 0;
    if (!idle || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  #request(request: StoreRequest): Promise<StoreReply> {
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    return new Promise((resolve, reject) => {
      this.#inFlight.add(request.seq, { settle: resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  #die(error: Error): void {
    this.#fatal ??= error;
    clearTimeout(this.#retryTimer);
    for (const pending of this.#inFlight.values()) pending.reject?.(error);
    this.#inFlight.clear();
    for (const done of this.#loadCallbacks) {
      if (typeof done === 'number') this.#tagSink?.failed(done, new StoreUnavailableError(error.message));
      else done(undefined, new StoreUnavailableError(error.message));
    }
    this.#loadCallbacks = [];
    for (const waiter of this.#idleWaiters) waiter.reject(error);
    this.#idleWaiters = [];
    this.onFatal?.(error);
  }
}

interface Pending {
  settle: (reply: StoreReply) => void;
  /** Only awaited requests have one; batch replies go to their load callbacks. */
  reject?: (error: Error) => void;
}
