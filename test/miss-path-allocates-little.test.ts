import assert from 'node:assert/strict';
import { it } from 'node:test';
import { execa } from 'execa';
import { distFile } from './support/dist.js';

/** Compiled, as a run's measured child is: no transpiler in the process whose allocation is counted. */
const batchChild = distFile('test/support/miss-batch-child.ts');
const pathChild = distFile('test/support/miss-path-child.ts');

/**
 * A cache miss allocates (nearly) nothing of its own (issue 22), counted rather than timed:
 * rounds of 100 requests that all miss (each loads from the memory store, inserts, and evicts a
 * dirty state that is written back) go through the real service, typed-array cache and store,
 * and the bytes allocated on the measured thread are divided by the misses, in three windows of
 * 40,000 misses; the quietest is judged. A round is one store batch or a few, so what is made
 * per batch (the message and its event-loop turn, about 3 KB) counts 30 bytes a miss, and
 * what is made per miss counts whole.
 *
 * Before issue 22 a miss made a promise, closures, an array, a string key and a state object:
 * this measured 1,260-1,310 bytes a miss (busy 2-core machine). After: 120-160.
 */
it('a cache miss allocates at most 400 bytes of its own (quietest of three windows of 40,000 misses)', async () => {
  const result = await execa(process.execPath, ['--expose-gc', batchChild, 'typed-array', '400', '100', '3'], { reject: false, stdin: 'ignore' });
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as { misses: number; writeBacks: number; windows: Array<{ bytesPerMiss: number }> };
  assert.ok(report.writeBacks > 10_000, `write-backs ${report.writeBacks}: misses must evict dirty states`);
  const quietest = Math.min(...report.windows.map((w) => w.bytesPerMiss));
  assert.ok(
    quietest <= 400,
    `${quietest} bytes per miss in the quietest window (${report.windows.map((w) => w.bytesPerMiss).join(', ')}): the miss path allocates per miss`,
  );
});

/**
 * The same through the driver at 100,000 requests/s with one miss in ten, as in a run: here a
 * batch usually carries one miss, and what a batch costs depends on how busy the machine is
 * (measured 500-2,300 bytes a miss, against 2,000-2,800 before issue 22). Only a loose bound:
 * that it completes, answers every miss and writes back every eviction.
 */
it('the driver answers every miss of a 10%-miss replay at 100,000/s', async () => {
  const result = await execa(process.execPath, ['--expose-gc', pathChild, 'typed-array', '100000', '100000', '10', '2'], { reject: false, stdin: 'ignore' });
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as { misses: number; writeBacks: number; windows: Array<{ bytesPerMiss: number }> };
  assert.ok(report.misses > 20_000, `misses ${report.misses}`);
  assert.equal(report.windows.length, 2);
  assert.ok(Math.min(...report.windows.map((w) => w.bytesPerMiss)) < 10_000, 'bytes per miss measured');
});
