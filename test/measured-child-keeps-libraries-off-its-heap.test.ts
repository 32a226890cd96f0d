import assert from 'node:assert/strict';
import { it } from 'node:test';
import { execa } from 'execa';
import { distFile } from './support/dist.js';

/** Compiled, as a run starts it (harness/entry-points.ts): no tsx among the packages loaded. */
const runOne = distFile('harness/run/run-one.ts');

/**
 * Every forced GC of a row marks what the row's process holds besides the cache, so a row's
 * modules must not bring libraries it only needs before or after measuring: hdr-histogram-js
 * and its inflate code (pako, 1.1 MiB: the recorders count into typed arrays and load it to
 * encode, after measuring) and ioredis (2 MiB: loaded when a Redis row connects). A stall
 * recorder that imported results/histogram.ts brought hdr-histogram-js back once; this names
 * such an import. CommonJS packages show in require.cache when ESM imports them.
 */
it("a row's modules load neither hdr-histogram-js nor ioredis until they are needed", async () => {
  const probe = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(runOne)});
    const packages = Object.keys(createRequire(import.meta.url).cache)
      .filter((path) => path.includes('/node_modules/'))
      .map((path) => path.split('/node_modules/').pop().split('/')[0]);
    console.log(JSON.stringify([...new Set(packages)]));
  `;
  const result = await execa(process.execPath, ['--input-type=module', '-e', probe], { reject: false, stdin: 'ignore' });
  assert.equal(result.exitCode, 0, result.stderr);
  const loaded = JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
  for (const heavy of ['hdr-histogram-js', 'pako', 'ioredis'])
    assert.ok(!loaded.includes(heavy), `${heavy} is loaded by importing run-one: ${loaded.join(', ')}`);
});
