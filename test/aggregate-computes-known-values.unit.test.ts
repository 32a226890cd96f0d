import assert from 'node:assert/strict';
import { it } from 'node:test';
import { percentilesOf, spreadOf } from '../harness/results/aggregate.js';
import { decodeHistogram, encodeHistogram, mergeEncoded, plainHistogram } from '../harness/results/histogram.js';

it('computes percentiles in ms from nanosecond histograms, within HDR precision', () => {
  const histogram = plainHistogram();
  for (let i = 1; i <= 1000; i++) histogram.recordValue(i * 1000); // 1 us .. 1 ms
  const p = percentilesOf(histogram);
  const near = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) <= expected * 0.001, `${actual} vs ${expected}`);
  assert.equal(p.count, 1000);
  near(p.p50Ms, 0.5);
  near(p.p99Ms, 0.99);
  near(p.p999Ms, 0.999);
  near(p.maxMs, 1);
  near(p.meanMs, 0.5005);
});

it('gives zeros, not NaN, for an empty histogram', () => {
  const p = percentilesOf(plainHistogram());
  assert.deepEqual(Object.values(p), [0, 0, 0, 0, 0, 0, 0, 0]);
});

it('encoded histograms merge: two halves give the whole', () => {
  const low = plainHistogram();
  const high = plainHistogram();
  for (let i = 1; i <= 500; i++) low.recordValue(i * 1000);
  for (let i = 501; i <= 1000; i++) high.recordValue(i * 1000);
  const merged = mergeEncoded([encodeHistogram(low), encodeHistogram(high)]);
  assert.equal(merged.totalCount, 1000);
  assert.equal(merged.maxValue, decodeHistogram(encodeHistogram(high)).maxValue);
  assert.ok(Math.abs(merged.getValueAtPercentile(50) - 500_000) <= 500);
});

it('spreads: median of odd and even lists, and the range', () => {
  assert.deepEqual(spreadOf([3, 1, 2]), { median: 2, min: 1, max: 3 });
  assert.deepEqual(spreadOf([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
  assert.ok(Number.isNaN(spreadOf([]).median));
});
