import { ANSWERED_2XX, NOT_SENT, UNCERTAIN } from '../check/acknowledged-states.js';
import { type LatencyRecorder, NO_OUTCOME } from '../measure/latency-recorder.js';
import type { RequestLog } from '../workload/request-log.js';

/** Bytes per request in the compiled driver's records file. */
export const RECORD_BYTES = 16;
/** What became of a request, as the records file says (its byte 14). */
export const FATE_NOT_SENT = 0;
export const FATE_ANSWERED = 1;
export const FATE_TIMEOUT = 2;
export const FATE_CONNECTION_ERROR = 3;

/** What the records of one run add up to. */
export interface DriverRecords {
  /** Per request of the log: check/acknowledged-states.ts's NOT_SENT, ANSWERED_2XX or UNCERTAIN. */
  readonly outcomes: Uint8Array;
  readonly sent: number;
  /** Answered, whatever the status. */
  readonly completed: number;
  readonly non2xx: number;
  readonly timeouts: number;
  readonly errors: number;
  readonly notSent: number;
  /** The highest index of the log that was sent (sends go out in log order); -1 when none was. */
  readonly lastSentIndex: number;
  /** Ms from request 0's due time at which each answer came, in log order: requests per window. */
  readonly completedAtMs: Float64Array;
}

/**
 * Reads the records file the compiled driver writes (references/load-driver), one 16-byte
 * record per request of the log, in log order, little-endian: int64 latency in ns from the
 * request's due time (-1: no answer), uint32 µs from request 0's due time to the answer, uint16
 * HTTP status (0: no answer), uint8 fate (FATE_*), one reserved byte. Every answered request is
 * recorded in `recorder` by its type, in the window its answer came in; answers of any status
 * are timed, as the Node driver times them. Throws on a file that does not match the log.
 */
export function readDriverRecords(bytes: Uint8Array, log: RequestLog, recorder: LatencyRecorder): DriverRecords {
  if (bytes.length !== log.count * RECORD_BYTES) {
    throw new Error(`the compiled driver's records file holds ${bytes.length} bytes, not ${log.count} records of ${RECORD_BYTES}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const outcomes = new Uint8Array(log.count);
  const completedAtMs = new Float64Array(log.count);
  const windowUs = recorder.windowMs * 1000;
  let completed = 0;
  let non2xx = 0;
  let timeouts = 0;
  let errors = 0;
  let notSent = 0;
  let lastSentIndex = -1;
  for (let i = 0; i < log.count; i++) {
    const at = i * RECORD_BYTES;
    const fate = view.getUint8(at + 14);
    if (fate === FATE_NOT_SENT) {
      outcomes[i] = NOT_SENT;
      notSent++;
      continue;
    }
    lastSentIndex = i;
    if (fate === FATE_TIMEOUT) timeouts++;
    else if (fate === FATE_CONNECTION_ERROR) errors++;
    else if (fate !== FATE_ANSWERED) throw new Error(`the compiled driver's record ${i} has fate ${fate}, not one of 0-3`);
    if (fate !== FATE_ANSWERED) {
      outcomes[i] = UNCERTAIN;
      continue;
    }
    // An int64 as two halves: latencies stay far below 2^53 ns, so the sum is exact, and no BigInt is made per record.
    const latencyNs = view.getInt32(at + 4, true) * 2 ** 32 + view.getUint32(at, true);
    const completedAtUs = view.getUint32(at + 8, true);
    const status = view.getUint16(at + 12, true);
    if (latencyNs < 0 || status === 0) throw new Error(`the compiled driver's record ${i} is answered but has latency ${latencyNs} ns and status ${status}`);
    recorder.recordRequest(log.type[i]!, NO_OUTCOME, latencyNs, Math.floor(completedAtUs / windowUs));
    completedAtMs[completed++] = completedAtUs / 1000;
    if (status >= 200 && status < 300) outcomes[i] = ANSWERED_2XX;
    else {
      outcomes[i] = UNCERTAIN;
      non2xx++;
    }
  }
  return {
    outcomes,
    sent: log.count - notSent,
    completed,
    non2xx,
    timeouts,
    errors,
    notSent,
    lastSentIndex,
    completedAtMs: completedAtMs.subarray(0, completed),
  };
}
