import assert from 'node:assert/strict';
import { it } from 'node:test';
import { execa } from 'execa';
import { distFile } from './support/dist.js';

/** Compiled, as a run's measured child is: no transpiler in the process whose allocation is counted. */
const child = distFile('test/support/miss-path-child.ts');

/**
 * The request path allocates little per cache miss (issue 22), counted rather than timed:
 * requests of which one in ten misses (an ack of a key never seen, loaded from the memory
 * store, inserted, and later evicted dirty and written back) go through the real driver,
 * service, typed-array cache and store, in four windows of 200,000 requests at 100,000/s. Bytes
 * allocated on the measured thread, divided by the misses, are judged in the quietest window:
 * a busy machine adds event-loop turns to some of them.
 *
 * Before issue 22 a miss made a promise, closures, an array, a string key and a state object:
 * 2,000-2,800 bytes a miss in every window here (this machine, busy). Without them, 500-950:
 * what is left is the store's message per batch and the event-loop turns that deliver it, one
 * batch per turn whatever it carries (docs/methods.md, Allocation). The goal is 200;
 * this test holds the part done, with room for a busy machine.
 */
it('a cache miss allocates at most 1,500 bytes on the measured thread (quietest of four windows)', async () => {
  const result = await execa(process.execPath, ['--expose-gc', child, 'typed-array', '200000', '100000', '10', '4'], { reject: false, stdin: 'ignore' });
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
    misses: number;
    writeBacks: number;
    windows: Array<{ bytesPerMiss: number; misses: number }>;
  };
  assert.ok(report.misses > 50_000, `misses ${report.misses}`);
  assert.ok(report.writeBacks > 50_000, `write-backs ${report.writeBacks}: misses must evict dirty states`);
  assert.equal(report.windows.length, 4);
  const quietest = Math.min(...report.windows.map((w) => w.bytesPerMiss));
  assert.ok(
    quietest <= 1_500,
    `${quietest} bytes per miss in the quietest window (${report.windows.map((w) => w.bytesPerMiss).join(', ')}): the miss path allocates per miss`,
  );
});
