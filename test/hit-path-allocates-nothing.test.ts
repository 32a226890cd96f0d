import assert from 'node:assert/strict';
import { it } from 'node:test';
import { execa } from 'execa';
import { distFile } from './support/dist.js';

/** Compiled, as a run's measured child is: no transpiler in the process whose scavenges are counted. */
const child = distFile('test/support/hit-path-child.ts');

/**
 * The request path allocates nothing on a cache hit, counted rather than timed: 500,000
 * hit-only requests (every message, ack, open and reconnect of discord-2min's mix) go through
 * the real driver, service and typed-array cache in a child whose young generation is fixed at
 * 1 MiB, so each scavenge means about 1 MiB allocated. Allocating nothing per hit leaves only
 * the event loop's own turns (about 350 bytes each, one a millisecond or two): 0 or 1
 * scavenge. One heap number per request (16 bytes, a float passed to a call V8 did not inline)
 * would already be 8; the request path before this test existed ran 287.
 */
it('500,000 cache hits through the driver and the service take at most 2 scavenges', async () => {
  const result = await execa(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=1', '--min-semi-space-size=1', '--enable-source-maps', child, 'typed-array', '500000', '250000'],
    { reject: false, stdin: 'ignore' },
  );
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as { hits: number; misses: number; scavenges: number; bytesPerRequest: number };
  assert.equal(report.misses, 0, 'every request must hit');
  assert.ok(report.hits >= 500_000, `hits ${report.hits}`);
  assert.ok(report.scavenges <= 2, `${report.scavenges} scavenges (${report.bytesPerRequest} bytes per request) for 500,000 hits: the hit path allocates`);
});
