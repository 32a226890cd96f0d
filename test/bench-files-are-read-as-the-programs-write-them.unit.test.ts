import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LatencyRecorder } from '../harness/measure/latency-recorder.js';
import { decodeHistogram, prepareFastHistograms } from '../harness/results/histogram.js';
import { BENCH_DONE, BENCH_RECORD_BYTES, readBenchRecords } from '../harness/run/bench-output.js';
import { BENCH_LOG_MAGIC, writeBenchLogFile } from '../harness/workload/bench-log-file.js';
import { ACK, MESSAGE, OPEN, RECONNECT, RequestLogBuilder } from '../harness/workload/request-log.js';
import { tempDir } from './support/cli.js';

function smallLog() {
  const builder = new RequestLogBuilder();
  builder.add(MESSAGE, 1, 10, 2 ** 50, [2, 3]);
  builder.add(ACK, 2, 10, 2 ** 50 + 1, []);
  builder.add(OPEN, 3, 11, 0, []);
  builder.add(RECONNECT, 4, 0, 0, [10, 11, 12]);
  return builder.build();
}

/** A record as go-lru bench and rust-btree bench write it. */
function record(view: DataView, i: number, latencyNs: number, completedAtUs: number, outcome: number): void {
  const at = i * BENCH_RECORD_BYTES;
  view.setBigInt64(at, BigInt(latencyNs), true);
  view.setUint32(at + 8, completedAtUs, true);
  view.setUint16(at + 12, BENCH_DONE, true);
  view.setUint8(at + 14, outcome);
}

describe('bench files are read as the reference programs write them', () => {
  it('writes the request log column after column behind its header', () => {
    const dir = tempDir('rsl-bench-log-');
    try {
      const log = smallLog();
      const path = join(dir, 'requests.bin');
      writeBenchLogFile(path, log);
      const bytes = readFileSync(path);
      assert.equal(bytes.subarray(0, 8).toString('latin1'), BENCH_LOG_MAGIC);
      assert.deepEqual([bytes.readUInt32LE(8), bytes.readUInt32LE(12)], [4, 5], 'count and list length');
      assert.equal(statSync(path).size, 16 + 4 * (1 + 4 + 4 + 8) + 5 * 4 + 5 * 4);
      // messageId column: after the types (4 bytes) and the two uint32 columns (16 bytes each).
      assert.equal(bytes.readDoubleLE(16 + 4 + 16 + 16 + 8), 2 ** 50 + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records each sent request by type and outcome in the window it completed in; the rest were not sent', () => {
    prepareFastHistograms();
    const log = smallLog();
    const bytes = new Uint8Array(log.count * BENCH_RECORD_BYTES);
    const view = new DataView(bytes.buffer);
    record(view, 0, 2_000, 100, 0);
    record(view, 1, 5_000_000, 1_500_000, 1);
    record(view, 2, 1_000, 1_600_000, 0);
    const recorder = new LatencyRecorder(0, 1000);
    const read = readBenchRecords(bytes, log, recorder);
    assert.deepEqual([read.sent, read.completed], [3, 3], 'the fourth was never sent');
    assert.deepEqual(read.completedPerWindow, [1, 2]);
    const latency = recorder.encode();
    assert.equal(decodeHistogram(latency.overall).totalCount, 3);
    assert.equal(decodeHistogram(latency.byOutcome!.miss).totalCount, 1);
    assert.ok(Math.abs(decodeHistogram(latency.byType.ack).maxValue - 5_000_000) < 5_000_000 * 0.001, 'the ack took 5 ms from its due time');
    assert.equal(latency.windows.length, 2);
  });

  it('refuses a records file that does not match the log', () => {
    const log = smallLog();
    const recorder = new LatencyRecorder(0, 1000);
    assert.throws(() => readBenchRecords(new Uint8Array(3 * BENCH_RECORD_BYTES), log, recorder), /not 4 records of 16/);
    const bytes = new Uint8Array(log.count * BENCH_RECORD_BYTES);
    const view = new DataView(bytes.buffer);
    record(view, 1, 1_000, 10, 0); // sent, though request 0 before it was not
    assert.throws(() => readBenchRecords(bytes, log, recorder), /record 1 was sent after request 0 was not/);
  });
});
