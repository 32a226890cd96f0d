import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { systemRuntimeName } from '../harness/runtimes/catalog.js';
import { launchScript } from '../harness/runtimes/launch.js';
import { findRuntime } from '../harness/runtimes/locate.js';
import { distFile } from './support/dist.js';

/** Compiled, as a run's children are on every runtime (and no transpiling per runtime started). */
const child = { file: distFile('test/support/clock-reads-child.ts'), execArgv: ['--enable-source-maps'] };

/**
 * The driver, the stall recorder and the floor probe spin on harness/measure/clock.ts, so a
 * clock that allocates turns every wait into garbage. Which clock source allocates differs by
 * runtime (WASI's clock_time_get on Node 24 and Deno, performance.now() on Node 20 and 22), and
 * on Node 24 the wrong choice cost 33 KB a request. Counted, not timed: an allocating read
 * costs 16 bytes or more (a heap number; 24 on Node 24, 128 on Deno), against under 0.1 in the
 * child's quietest 200 ms window, so the margin is more than 100x. Bun is left out:
 * JavaScriptCore keeps doubles unboxed and V8's GC profiler reports nothing there.
 */
const V8_RUNTIMES = [...new Set([systemRuntimeName(), 'node22', 'node24', 'deno'])];

describe('the clock allocates nothing', () => {
  for (const name of V8_RUNTIMES) {
    const runtime = findRuntime(name);
    const skip = runtime === undefined ? `${name} is not installed (readstate-lab runtimes install ${name})` : false;
    it(`on ${name}`, { skip }, async () => {
      const launch = launchScript(runtime!, [], child, []);
      const result = await execa(launch.file, launch.args, { reject: false, stdin: 'ignore' });
      assert.equal(result.exitCode, 0, result.stderr);
      const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as { clockAllocates: boolean; reads: number; bytes: number; bytesPerRead: number };
      assert.equal(report.clockAllocates, false, 'the clock fell back to a source that allocates');
      assert.ok(report.reads > 20_000, `only ${report.reads} reads in 200 ms`);
      assert.ok(report.bytesPerRead < 0.1, `${report.bytes} bytes for ${report.reads} clock reads (${report.bytesPerRead.toFixed(2)} a read)`);
    });
  }
});
