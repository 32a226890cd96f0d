import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Static } from '@sinclair/typebox';
import { describeError, errorCode, UsageError } from '../errors.js';
import { isRecord, parseJson } from '../json-input.js';
import type { Scenario } from '../results/scenario-schema.js';
import { isRequestLine } from '../results/schemas/checks.generated.js';
import type { RequestLine } from '../results/schemas/request-line.js';

export const MESSAGE = 0;
export const ACK = 1;
export const OPEN = 2;
export const RECONNECT = 3;

/**
 * The requests of one run, column by column in typed arrays: millions of requests without one
 * JS object each, so the log adds nothing to the heap the contenders are measured on.
 *
 * Request i:
 * - message:   `userId` wrote message `messageId` in `channelId` (and so has read it), mentioning
 *              the users `list[listStart[i] .. listStart[i + 1])`;
 * - ack:       `userId` read `channelId` up to `messageId`;
 * - open:      `userId` opened `channelId` (one read);
 * - reconnect: `userId` came back online and reads the channels in its list.
 */
export interface RequestLog {
  readonly count: number;
  readonly type: Uint8Array;
  readonly userId: Uint32Array;
  readonly channelId: Uint32Array;
  readonly messageId: Float64Array;
  /** count + 1 offsets into `list`. */
  readonly listStart: Uint32Array;
  readonly list: Uint32Array;
  /**
   * The scenario a log file says it was generated from (its header line, which `workload`
   * writes): its rate is the log's own, its population the one to warm the cache from. Absent
   * for generated logs and for files without a header.
   */
  readonly scenario?: Scenario;
}

/** One request as plain data: the NDJSON line format (harness/results/schemas/request-line.ts), and what builders take. */
export type Request = Static<typeof RequestLine>;

/** Appends requests into growing typed arrays. */
export class RequestLogBuilder {
  #count = 0;
  #listLength = 0;
  #type = new Uint8Array(1024);
  #userId = new Uint32Array(1024);
  #channelId = new Uint32Array(1024);
  #messageId = new Float64Array(1024);
  #listStart = new Uint32Array(1025);
  #list = new Uint32Array(4096);

  get count(): number {
    return this.#count;
  }

  add(type: number, userId: number, channelId: number, messageId: number, list: ArrayLike<number>): void {
    if (this.#count === this.#type.length) this.#growRows();
    while (this.#listLength + list.length > this.#list.length) this.#list = grow(this.#list, this.#list.length * 2);
    const i = this.#count++;
    this.#type[i] = type;
    this.#userId[i] = userId;
    this.#channelId[i] = channelId;
    this.#messageId[i] = messageId;
    for (let j = 0; j < list.length; j++) this.#list[this.#listLength++] = list[j]!;
    this.#listStart[i + 1] = this.#listLength;
  }

  addRequest(request: Request): void {
    switch (request.type) {
      case 'message':
        return this.add(MESSAGE, request.authorId, request.channelId, request.messageId, request.mentions);
      case 'ack':
        return this.add(ACK, request.userId, request.channelId, request.messageId, []);
      case 'open':
        return this.add(OPEN, request.userId, request.channelId, 0, []);
      case 'reconnect':
        return this.add(RECONNECT, request.userId, 0, 0, request.channelIds);
    }
  }

  build(): RequestLog {
    const n = this.#count;
    return {
      count: n,
      type: this.#type.slice(0, n),
      userId: this.#userId.slice(0, n),
      channelId: this.#channelId.slice(0, n),
      messageId: this.#messageId.slice(0, n),
      listStart: this.#listStart.slice(0, n + 1),
      list: this.#list.slice(0, this.#listLength),
    };
  }

  #growRows(): void {
    const size = this.#type.length * 2;
    this.#type = grow(this.#type, size);
    this.#userId = grow(this.#userId, size);
    this.#channelId = grow(this.#channelId, size);
    this.#messageId = grow(this.#messageId, size);
    this.#listStart = grow(this.#listStart, size + 1);
  }
}

function grow<T extends Uint8Array | Uint32Array | Float64Array>(array: T, size: number): T {
  // A typed array's constructor builds one of its own kind; TypeScript types .constructor as Function.
  const bigger = new (array.constructor as new (size: number) => T)(size);
  bigger.set(array);
  return bigger;
}

export function requestAt(log: RequestLog, i: number): Request {
  const list = Array.from(log.list.subarray(log.listStart[i]!, log.listStart[i + 1]!));
  const userId = log.userId[i]!;
  const channelId = log.channelId[i]!;
  const messageId = log.messageId[i]!;
  switch (log.type[i]) {
    case MESSAGE:
      return { type: 'message', authorId: userId, channelId, messageId, mentions: list };
    case ACK:
      return { type: 'ack', userId, channelId, messageId };
    case OPEN:
      return { type: 'open', userId, channelId };
    default:
      return { type: 'reconnect', userId, channelIds: list };
  }
}

/**
 * Writes a log as NDJSON: with `scenario`, a first line `{"header":{"scenario":{...}}}` says what
 * generated it, so a replay runs at the log's own rate and warms from its population.
 */
export async function writeRequestLog(log: RequestLog, path: string, scenario?: Scenario): Promise<void> {
  const out = createWriteStream(path);
  if (scenario !== undefined) out.write(`${JSON.stringify({ header: { scenario } })}\n`);
  for (let i = 0; i < log.count; i++) {
    if (!out.write(`${JSON.stringify(requestAt(log, i))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/**
 * Reads an NDJSON request log; a malformed line is a UsageError naming its line number.
 * node:readline is loaded here rather than at the top: every measuring child imports this
 * module, and readline's 100 KiB of heap would sit there, marked by every forced GC, in runs
 * that never read a log file. `header: 'skip'` leaves a header line unread, for a child replaying
 * a log its parent has checked: checking it would load the schema library onto the measured heap.
 */
export async function readRequestLog(path: string, options: { readonly header?: 'check' | 'skip' } = {}): Promise<RequestLog> {
  const input = createReadStream(path);
  const opened = once(input, 'open').catch((error: Error) => {
    throw new UsageError(`cannot read request log ${path}: ${error.message}`);
  });
  await opened;
  try {
    return await readLines(input, path, options.header ?? 'check');
  } catch (error) {
    // A folder opens like a file and fails on the first read (EISDIR): name the path.
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read request log ${path}: ${errorCode(error) === 'EISDIR' ? 'it is a folder, not a file' : describeError(error)}`);
  }
}

async function readLines(input: NodeJS.ReadableStream, path: string, header: 'check' | 'skip'): Promise<RequestLog> {
  const { createInterface } = await import('node:readline');
  const builder = new RequestLogBuilder();
  let lineNumber = 0;
  let scenario: Scenario | undefined;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    if (builder.count === 0 && scenario === undefined && line.startsWith('{"header"')) {
      if (header === 'check') scenario = await parseHeader(line, `${path}:${lineNumber}`);
      continue;
    }
    const where = `${path}:${lineNumber}`;
    const value = parseJson(line, where);
    builder.addRequest(isRequest(value) ? value : await refuseRequest(value, where));
  }
  if (builder.count === 0) throw new UsageError(`request log ${path} holds no requests`);
  return scenario === undefined ? builder.build() : { ...builder.build(), scenario };
}

/**
 * The scenario of a header line, checked as a scenario file is. The checker is loaded here, as
 * readline is: the schema library would otherwise sit on every measuring child's heap.
 */
async function parseHeader(line: string, where: string): Promise<Scenario> {
  const { parseScenario } = await import('./scenario.js');
  const parsed = parseJson(line, where);
  const header = isRecord(parsed) ? parsed['header'] : undefined;
  if (!isRecord(header)) throw new UsageError(`${where}: "header" must be a JSON object`);
  return parseScenario(header['scenario'], `${where} (the header's scenario)`);
}

/** Checked by the function generated from the RequestLine schema, which loads no schema library. */
function isRequest(value: unknown): value is Request {
  return isRequestLine(value);
}

/**
 * Names the first wrong field of a line that failed the check, through the schema checker,
 * loaded only here: the line ends the run, so the library no longer weighs on a measured heap.
 */
async function refuseRequest(value: unknown, where: string): Promise<never> {
  const { checkAgainstSchema } = await import('../results/check-against-schema.js');
  const { RequestLine, RequestLineType } = await import('../results/schemas/request-line.js');
  checkAgainstSchema(RequestLineType, value, where);
  checkAgainstSchema(RequestLine, value, where);
  throw new UsageError(`${where} is not a request`);
}
