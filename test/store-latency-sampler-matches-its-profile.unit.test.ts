import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { settingsDifferences } from '../harness/results/compare-settings.js';
import type { RunSettings } from '../harness/results/schema.js';
import { DelayedReplies } from '../harness/store/delayed-replies.js';
import { type LatencyDistribution, parseStoreLatency } from '../harness/store/latency-profile.js';
import { LatencySampler } from '../harness/store/latency-sampler.js';
import type { StoreReply } from '../harness/store/protocol.js';
import { FOUND_WIDTH } from '../harness/store/protocol.js';
import { smallScenario } from './support/small-scenario.js';

/** The q-quantile of `draws` (sorted in place). */
function quantile(draws: number[], q: number): number {
  draws.sort((a, b) => a - b);
  return draws[Math.min(draws.length - 1, Math.floor(q * draws.length))]!;
}

function sample(distribution: LatencyDistribution, seed: number, count: number): number[] {
  const sampler = new LatencySampler(distribution, seed);
  return Array.from({ length: count }, () => sampler.next());
}

describe('the store latency sampler draws what its profile says', () => {
  it("cassandra-2020's reads: the p99 of 100,000 draws lies in the 40-125 ms Discord published, the median near the assumed 5 ms", () => {
    const profile = parseStoreLatency('cassandra-2020')!;
    const draws = sample(profile.read, 7, 100_000);
    const p99 = quantile(draws, 0.99);
    const median = quantile(draws, 0.5);
    assert.ok(p99 >= 40 && p99 <= 125, `p99 ${p99} ms`);
    // The file's own p99 (70.7 ms) within sampling error (about 2% at 100k draws).
    assert.ok(Math.abs(p99 / 70.7 - 1) < 0.08, `p99 ${p99} ms against 70.7`);
    assert.ok(Math.abs(median / 5 - 1) < 0.05, `median ${median} ms against 5`);
    assert.ok(draws.every((ms) => Number.isFinite(ms) && ms > 0));
  });

  it("cassandra-2020's writes: p99 within the published 5-70 ms", () => {
    const p99 = quantile(sample(parseStoreLatency('cassandra-2020')!.write, 3, 100_000), 0.99);
    assert.ok(p99 >= 5 && p99 <= 70, `p99 ${p99} ms`);
  });

  it("scylla-2023: reads' p99 near 15 ms and writes' near 5 ms", () => {
    const profile = parseStoreLatency('scylla-2023')!;
    const reads = quantile(sample(profile.read, 11, 100_000), 0.99);
    const writes = quantile(sample(profile.write, 12, 100_000), 0.99);
    assert.ok(Math.abs(reads / 15 - 1) < 0.08, `read p99 ${reads} ms`);
    assert.ok(Math.abs(writes / 5 - 1) < 0.08, `write p99 ${writes} ms`);
  });

  it('is reproducible: the same seed gives the same delays, another seed others', () => {
    const profile = parseStoreLatency('cassandra-2020')!;
    assert.deepEqual(sample(profile.read, 42, 1000), sample(profile.read, 42, 1000));
    assert.notDeepEqual(sample(profile.read, 42, 1000), sample(profile.read, 43, 1000));
  });

  it('fixed:MS gives exactly MS for reads and writes', () => {
    const profile = parseStoreLatency('fixed:5')!;
    assert.deepEqual(new Set(sample(profile.read, 1, 100)), new Set([5]));
    assert.deepEqual(new Set(sample(profile.write, 1, 100)), new Set([5]));
    assert.equal(parseStoreLatency('none'), undefined);
    assert.equal(parseStoreLatency(undefined), undefined);
  });
});

describe('the store worker holds each answer back on its own', () => {
  it('answers a batch in parts, every load once with its own state, every write acknowledged, the last part marked', async () => {
    const replies: StoreReply[] = [];
    const delayed = new DelayedReplies(parseStoreLatency('scylla-2023')!, 5, (reply) => replies.push(reply));
    const loads = 6;
    const found = new Float64Array(loads * FOUND_WIDTH);
    for (let i = 0; i < loads; i++) found.set([1, 1000 + i, i, 7], i * FOUND_WIDTH);
    const started = performance.now();
    delayed.add(9, 4, found);
    assert.equal(replies.length, 0, 'nothing is answered at once');
    assert.equal(delayed.inFlight, 10);
    while (delayed.inFlight > 0 && performance.now() - started < 10_000) await sleep(5);
    const parts = replies.filter((r): r is Extract<StoreReply, { kind: 'batch' }> => r.kind === 'batch');
    assert.ok(parts.length >= 1);
    assert.ok(parts.every((part) => part.seq === 9 && part.persisted));
    assert.equal(parts.filter((part) => part.more !== true).length, 1, 'exactly one last part');
    assert.equal(parts.at(-1)!.more, false, 'and it comes last');
    assert.equal(
      parts.reduce((n, part) => n + (part.writesDone ?? 0), 0),
      4,
    );
    const answered = new Map<number, number>();
    for (const part of parts) {
      part.loadIndices!.forEach((index, n) => {
        assert.equal(answered.has(index), false, `load ${index} answered twice`);
        answered.set(index, part.found![n * FOUND_WIDTH + 1]!);
      });
    }
    assert.deepEqual(
      [...answered.entries()].sort((a, b) => a[0] - b[0]),
      Array.from({ length: loads }, (_, i) => [i, 1000 + i]),
    );
  });
});

describe('runs under different store latency profiles do not compare', () => {
  it('names the store latency as the difference', () => {
    const settings = (storeLatency: RunSettings['storeLatency']): RunSettings => ({
      scenario: smallScenario(),
      contenderNames: ['naive-map'],
      repeat: 1,
      closedLoop: false,
      store: 'sqlite',
      storeLatency,
      requestsFile: null,
    });
    const environment = { labVersion: '1' };
    const none = { settings: settings(null), environment };
    const old = { settings: { ...settings(null), storeLatency: undefined }, environment };
    const cassandra = { settings: settings(parseStoreLatency('cassandra-2020')), environment };
    const fixed = { settings: settings(parseStoreLatency('fixed:5')), environment };
    assert.deepEqual(
      settingsDifferences(none, cassandra).map((d) => d.setting),
      ['store latency'],
    );
    assert.deepEqual(
      settingsDifferences(fixed, cassandra).map((d) => d.setting),
      ['store latency'],
    );
    assert.deepEqual(settingsDifferences(none, old), [], 'a file from before the flag ran with none');
  });
});
