import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { HIT, LatencyRecorder, MISS } from '../harness/measure/latency-recorder.js';
import { decodeHistogram, encodeHistogram, prepareFastHistograms, recordingHistogram } from '../harness/results/histogram.js';
import { Prng } from '../harness/workload/prng.js';

before(() => prepareFastHistograms());

/**
 * The recorder counts into its own typed arrays instead of hdr-histogram-js's WebAssembly
 * histograms; what it encodes must be exactly what recording every value into hdr-histogram-js
 * gives, for every magnitude from 1 ns to past 2^32 ns.
 */
it('encodes byte for byte what hdr-histogram-js encodes for the same values', () => {
  const random = new Prng(7);
  const values: number[] = [1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 39, 2 ** 40 - 1];
  for (let i = 0; i < 20_000; i++) values.push(Math.max(1, Math.round(2 ** (random.nextFloat() * 40))));

  const recorder = new LatencyRecorder(0, 1000);
  const overall = recordingHistogram();
  const byType = [recordingHistogram(), recordingHistogram(), recordingHistogram(), recordingHistogram()];
  const byOutcome = [recordingHistogram(), recordingHistogram()];
  const windows = [recordingHistogram(), recordingHistogram(), recordingHistogram(), recordingHistogram()];
  for (const [i, ns] of values.entries()) {
    const type = i % 4;
    const outcome = i % 3 === 0 ? MISS : HIT;
    const window = i % 7 === 0 ? 3 : i < values.length / 2 ? 0 : 1; // window 2 stays empty; 3 comes before 1 ends
    recorder.recordRequest(type, outcome, ns, window);
    for (const h of [overall, byType[type]!, byOutcome[outcome]!, windows[window]!]) h.recordValue(ns);
  }
  const encoded = recorder.encode();
  assert.equal(recorder.count, values.length);
  assert.equal(encoded.overall, encodeHistogram(overall));
  assert.deepEqual(Object.values(encoded.byType), byType.map(encodeHistogram));
  assert.deepEqual(encoded.byOutcome, { hit: encodeHistogram(byOutcome[HIT]!), miss: encodeHistogram(byOutcome[MISS]!) });
  assert.deepEqual(encoded.windows, windows.map(encodeHistogram));
  const decoded = decodeHistogram(encoded.overall);
  assert.equal(decoded.totalCount, values.length);
  assert.equal(decoded.getValueAtPercentile(100), overall.getValueAtPercentile(100));
});

it('record() takes milliseconds and a completion time, and leaves outcomes out', () => {
  const recorder = new LatencyRecorder(100, 1000);
  recorder.record(2, 0.0015, 150); // 1.5 µs in window 0
  recorder.record(2, 250, 2_600); // 250 ms in window 2
  const encoded = recorder.encode();
  assert.equal(encoded.byOutcome, undefined);
  assert.equal(encoded.windows.length, 3);
  assert.deepEqual(
    encoded.windows.map((w) => decodeHistogram(w).totalCount),
    [1, 0, 1],
  );
  const open = decodeHistogram(encoded.byType.open);
  assert.equal(open.totalCount, 2);
  assert.ok(Math.abs(open.getValueAtPercentile(100) - 250e6) / 250e6 < 0.001);
  assert.equal(decodeHistogram(new LatencyRecorder(0, 1000).encode().overall).totalCount, 0);
});
