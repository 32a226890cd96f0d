import type { Worker } from 'node:worker_threads';
import type { ReadState } from '../../implementations/contract.js';
import { startWorker } from '../entry-points.js';
import { STORE_RETRY_FIRST_MS, STORE_RETRY_MAX_MS } from '../tuning.js';
import {
  allocateBatchChannel,
  CLIENT_POLLING,
  FOUND,
  LOAD_RECORD,
  MORE,
  PERSISTED,
  RECOVERS,
  REFUSED,
  REQUEST_HEADER,
  REQUESTS_PUT,
  WAKE_POSTED,
} from './batch-channel.js';
import { InFlight } from './in-flight.js';
import { NumberQueue } from './number-queue.js';
import { FOUND_WIDTH, type StoreReply, type StoreRequest, type StoreWorkerData, type StoreWorkerOptions, WRITE_WIDTH } from './protocol.js';
import { SharedRing } from './shared-ring.js';

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
 * one. Writes and loads issued during one turn of the event loop (or between two polls) travel
 * as one batch, through shared memory (store/batch-channel.ts): a batch and its answer add
 * nothing to this thread's heap, and a thread that calls poll() gets answers without an
 * event-loop turn.
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
  /**
   * Loads not yet sent, LOAD_RECORD numbers each: the ids and a tag, which the answer carries
   * back. A tag of 0 or more is a tagged load's; -1 - k is the callback in #callbacks[k].
   */
  readonly #loads = new NumberQueue();
  /** Callbacks of untagged loads (load()) not yet answered, by slot; free slots are reused. */
  readonly #callbacks: Array<LoadCallback | undefined> = [];
  readonly #freeCallbacks: number[] = [];
  /** The ids of the load in #callbacks[k], at 2k and 2k + 1. */
  readonly #callbackIds: number[] = [];
  #tagSink: TaggedLoadSink | undefined;
  #flushScheduled = false;
  /** The flush queueMicrotask runs: one function for the client, not a closure per batch. */
  readonly #flushNow = (): void => this.#flush();
  /** A batch that did not fit the request ring waits for room this long. */
  #roomTimer: NodeJS.Timeout | undefined;
  #seq = 0;
  /** Batches sent and not yet wholly answered. */
  #batchesOut = 0;
  readonly #requests: SharedRing;
  readonly #replies: SharedRing;
  readonly #signals: Int32Array;
  /** Whether CLIENT_POLLING is set, so poll() touches it only when it changes. */
  #polling = false;
  #readingReplies = false;
  /** Where a found state is copied for the tag sink: a ring's numbers may wrap around. */
  readonly #found = new Float64Array(FOUND_WIDTH);
  /** Requests other than batches (dump, close), which travel as messages. */
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
    const channel = allocateBatchChannel();
    this.#requests = new SharedRing(channel.requests);
    this.#replies = new SharedRing(channel.replies);
    this.#signals = new Int32Array(channel.signals);
    this.#worker = startWorker(import.meta.url, './worker.js', { workerData: { ...options, channel } satisfies StoreWorkerData });
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
      if (reply.kind === 'wake') {
        Atomics.store(this.#signals, WAKE_POSTED, 0);
        return this.#readReplies();
      }
      const pending = this.#inFlight.get(reply.seq);
      // An error answering a batch (no request waits for its seq) leaves loads unanswered: fatal.
      if (pending === undefined && reply.kind === 'error') return this.#die(new Error(`store: ${reply.message}`));
      this.#inFlight.delete(reply.seq);
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
    const k = this.#freeCallbacks.pop() ?? this.#callbacks.length;
    this.#callbacks[k] = done;
    this.#callbackIds[2 * k] = userId;
    this.#callbackIds[2 * k + 1] = channelId;
    this.#loads.push3(userId, channelId, -1 - k);
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
    this.#loads.push3(userId, channelId, tag);
    this.#scheduleFlush();
  }

  /**
   * Sends what is queued and answers every reply that has arrived, on this thread, now. While
   * `keepPolling`, the worker leaves its replies for the next poll instead of posting a message
   * to wake this thread: call poll(true) often (the driver does between requests) and poll(false)
   * before going idle. Allocates nothing unless a load failed.
   */
  poll(keepPolling: boolean): void {
    if (this.#failing === undefined && this.#fatal === undefined && (this.#queued.length > 0 || this.#loads.length > 0)) this.#sendBatch(false);
    if (keepPolling !== this.#polling) {
      this.#polling = keepPolling;
      // Set before the replies are read: a reply published after this read sees the flag clear
      // and posts a wake (batch-channel.ts).
      Atomics.store(this.#signals, CLIENT_POLLING, keepPolling ? 1 : 0);
    }
    this.#readReplies();
  }

  /**
   * Resolves once every write handed so far is committed and every load answered. While the
   * store is failing it keeps waiting (the retries go on): race it with a deadline.
   */
  settled(): Promise<void> {
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    this.#flush();
    this.poll(false);
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
    clearTimeout(this.#roomTimer);
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

  /**
   * Sends at the end of this turn, unless a poller will send sooner: Node makes an async
   * resource for every queueMicrotask, a hundred bytes a batch that a polling thread can spare.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#failing !== undefined || this.#polling) return;
    this.#flushScheduled = true;
    queueMicrotask(this.#flushNow);
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#failing !== undefined || this.#fatal !== undefined) return;
    if (this.#queued.length === 0 && this.#loads.length === 0) return;
    this.#sendBatch(false);
  }

  /**
   * Sends queued writes (after refused ones, when resuming) and loads as one batch, or as much
   * of them as the request ring has room for; the rest goes as soon as there is room, in order.
   */
  #sendBatch(resume: boolean): void {
    if (resume) this.#queued.prependAll(this.#refused.take());
    const ring = this.#requests;
    const room = ring.room() - REQUEST_HEADER;
    const writeCount = Math.max(0, Math.min(this.#queued.length / WRITE_WIDTH, Math.floor(room / WRITE_WIDTH)));
    const loadCount = Math.max(0, Math.min(this.#loads.length / LOAD_RECORD, Math.floor((room - writeCount * WRITE_WIDTH) / LOAD_RECORD)));
    // A resume batch goes even when it carries nothing: it is what lets the worker go on.
    if (room >= 0 && (resume || writeCount + loadCount > 0)) {
      ring.put(this.#seq++);
      ring.put(resume ? 1 : 0);
      ring.put(writeCount);
      ring.put(loadCount);
      this.#queued.moveFirstTo(writeCount * WRITE_WIDTH, ring);
      this.#loads.moveFirstTo(loadCount * LOAD_RECORD, ring);
      ring.publish();
      this.#batchesOut++;
      Atomics.add(this.#signals, REQUESTS_PUT, 1);
      Atomics.notify(this.#signals, REQUESTS_PUT);
    } else if (resume) {
      // No room even for the resume batch: put the refused writes back and retry as a resume.
      this.#refused.pushAll(this.#queued.take());
      this.#retryTimer ??= setTimeout(() => {
        this.#retryTimer = undefined;
        this.#sendBatch(true);
      }, 1);
      return;
    }
    if ((this.#queued.length > 0 || this.#loads.length > 0) && this.#roomTimer === undefined) {
      this.#roomTimer = setTimeout(() => {
        this.#roomTimer = undefined;
        this.#flush();
      }, 1);
    }
  }

  /** Answers every reply in the reply ring, in the order the worker wrote them. */
  #readReplies(): void {
    const ring = this.#replies;
    if (this.#readingReplies || ring.available() === 0) return;
    this.#readingReplies = true;
    try {
      while (ring.available() > 0) this.#readReply(ring);
    } finally {
      this.#readingReplies = false;
    }
    this.#notifyIfIdle();
  }

  /** One reply (batch-channel.ts gives its layout): acknowledges writes, answers loads. */
  #readReply(ring: SharedRing): void {
    ring.take(); // seq: replies come in the order the worker writes them, nothing to look up
    const flags = ring.take();
    const writesDone = ring.take();
    const loadCount = ring.take();
    const textLength = ring.take();
    let text = '';
    for (let i = 0; i < textLength; i++) text += String.fromCharCode(ring.take());
    if ((flags & MORE) === 0) this.#batchesOut--;
    if ((flags & PERSISTED) !== 0) {
      this.#persisted += writesDone;
      if ((flags & RECOVERS) !== 0) this.#recovered();
    }
    if ((flags & REFUSED) !== 0) {
      // Replies arrive in the order batches were sent, so this keeps every refused write in
      // send order, ahead of anything queued since.
      const count = ring.take() * WRITE_WIDTH;
      for (let i = 0; i < count; i += WRITE_WIDTH) this.#refused.push5(ring.take(), ring.take(), ring.take(), ring.take(), ring.take());
      this.#startFailing(text === '' ? 'write-back failed' : text);
    }
    const found = this.#found;
    const withStates = (flags & FOUND) !== 0;
    for (let n = 0; n < loadCount; n++) {
      const tag = ring.take();
      if (withStates) for (let k = 0; k < FOUND_WIDTH; k++) found[k] = ring.take();
      this.#answerLoad(tag, withStates ? found : undefined, text);
    }
    ring.release();
  }

  #answerLoad(tag: number, found: Float64Array | undefined, why: string): void {
    if (tag >= 0) {
      if (found !== undefined) this.#tagSink!.loaded(tag, found, 0);
      else this.#tagSink!.failed(tag, new StoreUnavailableError(`store failing: ${why || 'no answer'}`));
      return;
    }
    const k = -1 - tag;
    const callback = this.#callbacks[k]!;
    this.#callbacks[k] = undefined;
    this.#freeCallbacks.push(k);
    if (found === undefined) callback(undefined, new StoreUnavailableError(`store failing: ${why || 'no answer'}`));
    else if (found[0] !== 1) callback(undefined);
    else
      callback({
        userId: this.#callbackIds[2 * k]!,
        channelId: this.#callbackIds[2 * k + 1]!,
        lastReadMessageId: found[1]!,
        mentionCount: found[2]!,
        updatedAt: found[3]!,
      });
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
      if (this.#batchesOut > 0) return this.#startFailing(cause);
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
    const idle = this.#inFlight.size === 0 && this.#batchesOut === 0 && this.#queued.length === 0 && this.#refused.length === 0 && this.#loads.length === 0;
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
    clearTimeout(this.#roomTimer);
    for (const pending of this.#inFlight.values()) pending.reject(error);
    this.#inFlight.clear();
    // Loads not sent yet fail now; the run or server fails on onFatal for the ones sent.
    const unsent = this.#loads.take();
    for (let i = 2; i < unsent.length; i += LOAD_RECORD) this.#answerLoad(unsent[i]!, undefined, error.message);
    for (const waiter of this.#idleWaiters) waiter.reject(error);
    this.#idleWaiters = [];
    this.onFatal?.(error);
  }
}

interface Pending {
  settle: (reply: StoreReply) => void;
  reject: (error: Error) => void;
}
