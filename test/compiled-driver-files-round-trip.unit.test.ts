import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ANSWERED_2XX, NOT_SENT, UNCERTAIN } from '../harness/check/acknowledged-states.js';
import { FATE_ANSWERED, FATE_CONNECTION_ERROR, FATE_NOT_SENT, FATE_TIMEOUT, RECORD_BYTES, readDriverRecords } from '../harness/drive/driver-records.js';
import { httpRequestAt } from '../harness/drive/http-request.js';
import { METHOD_GET, METHOD_POST, REQUEST_FILE_MAGIC, writeRequestFile } from '../harness/drive/request-file.js';
import { LatencyRecorder } from '../harness/measure/latency-recorder.js';
import { percentilesOfEncoded } from '../harness/results/aggregate.js';
import { prepareFastHistograms } from '../harness/results/histogram.js';
import { ACK, MESSAGE, OPEN, RECONNECT, type RequestLog, RequestLogBuilder } from '../harness/workload/request-log.js';
import { tempDir } from './support/cli.js';

before(() => prepareFastHistograms());

/** One of each request type, then reads; a reconnect to enough channels to need a chunk of its own. */
function sampleLog(): RequestLog {
  const builder = new RequestLogBuilder();
  builder.add(MESSAGE, 7, 3, 2 ** 50 + 1, [8, 9]);
  builder.add(ACK, 8, 3, 2 ** 50 + 1, []);
  builder.add(OPEN, 9, 3, 0, []);
  builder.add(RECONNECT, 9, 0, 0, [1, 2, 3]);
  builder.add(
    RECONNECT,
    10,
    0,
    0,
    Array.from({ length: 200_000 }, (_, i) => i + 1),
  );
  for (let i = 0; i < 20; i++) builder.add(OPEN, i, i % 4, 0, []);
  return builder.build();
}

/** The request file read back as the compiled driver reads it. */
function readRequestFile(bytes: Buffer): Array<{ method: number; type: number; path: string; body: string }> {
  assert.equal(bytes.subarray(0, 8).toString('latin1'), REQUEST_FILE_MAGIC);
  const count = bytes.readUInt32LE(8);
  const requests = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt8(at);
    const type = bytes.readUInt8(at + 1);
    const pathLength = bytes.readUInt16LE(at + 2);
    const bodyLength = bytes.readUInt32LE(at + 4);
    at += 8;
    const path = bytes.subarray(at, at + pathLength).toString('utf8');
    at += pathLength;
    const body = bytes.subarray(at, at + bodyLength).toString('utf8');
    at += bodyLength;
    requests.push({ method, type, path, body });
  }
  assert.equal(at, bytes.length, 'nothing after the last request');
  return requests;
}

/** A records file as the compiled driver writes it: 16 bytes per request, little-endian. */
function recordsFile(records: ReadonlyArray<{ latencyNs: number; completedAtUs: number; status: number; fate: number }>): Buffer {
  const bytes = Buffer.alloc(records.length * RECORD_BYTES);
  records.forEach((record, i) => {
    bytes.writeBigInt64LE(BigInt(record.latencyNs), i * RECORD_BYTES);
    bytes.writeUInt32LE(record.completedAtUs, i * RECORD_BYTES + 8);
    bytes.writeUInt16LE(record.status, i * RECORD_BYTES + 12);
    bytes.writeUInt8(record.fate, i * RECORD_BYTES + 14);
  });
  return bytes;
}

describe("the compiled driver's files", () => {
  it('the request file holds every request of the log in its HTTP form, in order', () => {
    const log = sampleLog();
    const path = join(tempDir('rsl-request-file-'), 'requests.bin');
    writeRequestFile(path, log);
    const read = readRequestFile(readFileSync(path));
    assert.equal(read.length, log.count);
    for (let i = 0; i < log.count; i++) {
      const expected = httpRequestAt(log, i);
      assert.deepEqual(
        read[i],
        { method: expected.method === 'GET' ? METHOD_GET : METHOD_POST, type: log.type[i], path: expected.path, body: expected.body ?? '' },
        `request ${i}`,
      );
    }
    assert.ok(read[4]!.body.length > 1 << 20, 'a request larger than a write chunk survives whole');
  });

  it('records become latencies by type and window, outcomes and counts', () => {
    const log = sampleLog(); // message, ack, open, reconnect, reconnect, then opens
    const ms = 1e6;
    const records = [
      { latencyNs: 2 * ms, completedAtUs: 500, status: 200, fate: FATE_ANSWERED }, // message, window 0
      { latencyNs: 300 * ms, completedAtUs: 1_500_000, status: 503, fate: FATE_ANSWERED }, // ack, window 1, non-2xx
      { latencyNs: -1, completedAtUs: 0, status: 0, fate: FATE_TIMEOUT }, // open
      { latencyNs: -1, completedAtUs: 0, status: 0, fate: FATE_CONNECTION_ERROR }, // reconnect
      ...Array.from({ length: 19 }, (_, i) => ({ latencyNs: (i + 1) * 100_000, completedAtUs: 2_000_000 + i, status: 200, fate: FATE_ANSWERED })),
      { latencyNs: -1, completedAtUs: 0, status: 0, fate: FATE_NOT_SENT },
      { latencyNs: -1, completedAtUs: 0, status: 0, fate: FATE_NOT_SENT },
    ];
    assert.equal(records.length, log.count);
    const recorder = new LatencyRecorder(0, 1000);
    const decoded = readDriverRecords(recordsFile(records), log, recorder);
    assert.deepEqual(
      {
        sent: decoded.sent,
        completed: decoded.completed,
        non2xx: decoded.non2xx,
        timeouts: decoded.timeouts,
        errors: decoded.errors,
        notSent: decoded.notSent,
      },
      { sent: 23, completed: 21, non2xx: 1, timeouts: 1, errors: 1, notSent: 2 },
    );
    assert.equal(decoded.lastSentIndex, 22);
    assert.deepEqual([...decoded.outcomes.subarray(0, 5)], [ANSWERED_2XX, UNCERTAIN, UNCERTAIN, UNCERTAIN, ANSWERED_2XX]);
    assert.deepEqual([...decoded.outcomes.subarray(23)], [NOT_SENT, NOT_SENT]);
    assert.deepEqual([...decoded.completedAtMs.subarray(0, 3)], [0.5, 1500, 2000]);

    const latency = recorder.encode();
    const overall = percentilesOfEncoded(latency.overall);
    assert.equal(overall.count, 21, 'answered requests are timed, of any status; the others nowhere');
    assert.ok(Math.abs(overall.maxMs - 300) < 1, `max ${overall.maxMs} ms`);
    assert.equal(percentilesOfEncoded(latency.byType.message).count, 1);
    assert.equal(percentilesOfEncoded(latency.byType.ack).count, 1);
    assert.equal(percentilesOfEncoded(latency.byType.open).count, 18, 'the timed-out open is not timed');
    assert.equal(percentilesOfEncoded(latency.byType.reconnect).count, 1, 'the failed reconnect is not timed');
    assert.deepEqual(
      latency.windows.map((w) => percentilesOfEncoded(w).count),
      [1, 1, 19],
      'each answer in the window its completion time falls in',
    );
  });

  it('refuses records that do not match the log', () => {
    const log = sampleLog();
    const recorder = new LatencyRecorder(0, 1000);
    assert.throws(() => readDriverRecords(Buffer.alloc(RECORD_BYTES * 3), log, recorder), /holds 48 bytes, not 25 records/);
    const bad = Array.from({ length: log.count }, () => ({ latencyNs: -1, completedAtUs: 0, status: 0, fate: 7 }));
    assert.throws(() => readDriverRecords(recordsFile(bad), log, recorder), /record 0 has fate 7/);
    const unanswered = Array.from({ length: log.count }, () => ({ latencyNs: -1, completedAtUs: 0, status: 0, fate: FATE_ANSWERED }));
    assert.throws(() => readDriverRecords(recordsFile(unanswered), log, recorder), /answered but has latency -1 ns/);
  });
});
