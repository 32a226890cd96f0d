import type { MessagePort } from 'node:worker_threads';
import {
  type BatchChannelBuffers,
  CLIENT_POLLING,
  FOUND,
  MORE,
  PERSISTED,
  RECOVERS,
  REFUSED,
  REPLY_HEADER,
  REQUESTS_PUT,
  WAKE_POSTED,
} from './batch-channel.js';
import { FOUND_WIDTH, LOAD_WIDTH, type StoreReply, type StoreRequest, WRITE_WIDTH } from './protocol.js';
import { SharedRing } from './shared-ring.js';

/** Atomics.waitAsync, which the lab's TypeScript library target does not declare yet. */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

type BatchRequest = Extract<StoreRequest, { kind: 'batch' }>;
type BatchReply = Extract<StoreReply, { kind: 'batch' }>;

/** What the worker keeps of a batch until its last answer: the tags of its loads and its writes. */
interface BatchContext {
  readonly tags: Float64Array;
  readonly writes: Float64Array;
  readonly resume: boolean;
}

/**
 * The worker's end of the batch channel (store/batch-channel.ts): takes batches off the request
 * ring and hands them on as the StoreRequest objects the worker has always handled, and writes
 * the worker's batch replies, whenever and from wherever they come (at once, in parts from
 * store/delayed-replies.ts, or from an asynchronous backend), into the reply ring. This thread
 * allocates freely; the measured one does not.
 */
export class WorkerChannel {
  readonly #requests: SharedRing;
  readonly #replies: SharedRing;
  readonly #signals: Int32Array;
  readonly #port: MessagePort;
  readonly #batches = new Map<number, BatchContext>();
  /** Replies that did not fit the ring yet, in order; written before any later one. */
  readonly #backlog: Float64Array[] = [];
  #backlogTimer: NodeJS.Timeout | undefined;
  #onBatch: ((request: BatchRequest) => void) | undefined;

  constructor(buffers: BatchChannelBuffers, port: MessagePort) {
    this.#requests = new SharedRing(buffers.requests);
    this.#replies = new SharedRing(buffers.replies);
    this.#signals = new Int32Array(buffers.signals);
    this.#port = port;
  }

  /** Hands every batch the client puts, in order, to `onBatch`, from now on. */
  listen(onBatch: (request: BatchRequest) => void): void {
    this.#onBatch = onBatch;
    if (waitAsync !== undefined) this.#awaitRequests(waitAsync);
    // A runtime without Atomics.waitAsync: look every millisecond instead.
    else setInterval(() => this.#takeRequests(), 1).unref();
  }

  /** Writes a batch's reply (or a part of it) for the client, in the order replies come. */
  reply(reply: BatchReply): void {
    const context = this.#batches.get(reply.seq);
    if (context === undefined) return; // the client closed the store meanwhile
    if (reply.more !== true) this.#batches.delete(reply.seq);
    const record = encodeReply(reply, context);
    if (this.#backlog.length === 0 && this.#write(record)) return;
    this.#backlog.push(record);
    this.#retryBacklog();
  }

  #awaitRequests(wait: WaitAsync): void {
    for (;;) {
      const seen = Atomics.load(this.#signals, REQUESTS_PUT);
      this.#takeRequests();
      const waiting = wait(this.#signals, REQUESTS_PUT, seen);
      if (waiting.async) {
        waiting.value.then(() => this.#awaitRequests(wait));
        return;
      }
    }
  }

  #takeRequests(): void {
    const ring = this.#requests;
    while (ring.available() > 0) {
      const seq = ring.take();
      const resume = ring.take() === 1;
      const writeCount = ring.take();
      const loadCount = ring.take();
      const writes = new Float64Array(writeCount * WRITE_WIDTH);
      for (let i = 0; i < writes.length; i++) writes[i] = ring.take();
      const loads = new Float64Array(loadCount * LOAD_WIDTH);
      const tags = new Float64Array(loadCount);
      for (let i = 0; i < loadCount; i++) {
        loads[i * LOAD_WIDTH] = ring.take();
        loads[i * LOAD_WIDTH + 1] = ring.take();
        tags[i] = ring.take();
      }
      ring.release();
      this.#batches.set(seq, { tags, writes, resume });
      this.#onBatch!({ kind: 'batch', seq, writes, loads, resume });
    }
  }

  #write(record: Float64Array): boolean {
    const ring = this.#replies;
    if (ring.room() < record.length) return false;
    for (let i = 0; i < record.length; i++) ring.put(record[i]!);
    ring.publish();
    // Seen after the publish: either the client's last poll found this reply, or it had
    // stopped polling before and gets a wake (at most one on its way at a time).
    if (Atomics.load(this.#signals, CLIENT_POLLING) === 0 && Atomics.compareExchange(this.#signals, WAKE_POSTED, 0, 1) === 0) {
      this.#port.postMessage({ kind: 'wake', seq: -1 } satisfies StoreReply);
    }
    return true;
  }

  /** The client has not taken enough replies off the ring yet: try again in a millisecond. */
  #retryBacklog(): void {
    if (this.#backlogTimer !== undefined) return;
    this.#backlogTimer = setTimeout(() => {
      this.#backlogTimer = undefined;
      while (this.#backlog.length > 0 && this.#write(this.#backlog[0]!)) this.#backlog.shift();
      if (this.#backlog.length > 0) this.#retryBacklog();
    }, 1);
  }
}

/** One reply as the numbers of the ring (store/batch-channel.ts gives the layout). */
function encodeReply(reply: BatchReply, context: BatchContext): Float64Array {
  const { found, loadIndices } = reply;
  const persisted = reply.persisted;
  const text = persisted ? (reply.loadError ?? '') : (reply.writeError ?? 'write-back failed');
  // Failures (refused writes, failed loads) answer every load of the batch at once.
  const loadCount =
    found !== undefined ? (loadIndices?.length ?? found.length / FOUND_WIDTH) : persisted && reply.loadError === undefined ? 0 : context.tags.length;
  const refused = persisted ? 0 : context.writes.length;
  const length = REPLY_HEADER + text.length + (persisted ? 0 : 1 + refused) + loadCount * (found === undefined ? 1 : 1 + FOUND_WIDTH);
  const record = new Float64Array(length);
  let flags = 0;
  if (persisted) flags |= PERSISTED;
  if (reply.more === true) flags |= MORE;
  if (found !== undefined) flags |= FOUND;
  if (!persisted) flags |= REFUSED;
  if (persisted && (context.resume || context.writes.length > 0)) flags |= RECOVERS;
  let at = 0;
  record[at++] = reply.seq;
  record[at++] = flags;
  record[at++] = persisted ? (reply.writesDone ?? context.writes.length / WRITE_WIDTH) : 0;
  record[at++] = loadCount;
  record[at++] = text.length;
  for (let i = 0; i < text.length; i++) record[at++] = text.charCodeAt(i);
  if (!persisted) {
    record[at++] = refused / WRITE_WIDTH;
    record.set(context.writes, at);
    at += refused;
  }
  for (let n = 0; n < loadCount; n++) {
    const load = found !== undefined && loadIndices !== undefined ? loadIndices[n]! : n;
    record[at++] = context.tags[load]!;
    if (found === undefined) continue;
    for (let k = 0; k < FOUND_WIDTH; k++) record[at++] = found[n * FOUND_WIDTH + k]!;
  }
  return record;
}
