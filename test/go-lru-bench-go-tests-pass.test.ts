import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { GO_LRU_TEST_ENV } from './support/reference-test-env.js';

const goLru = fileURLToPath(new URL('../references/go-lru/', import.meta.url));

/**
 * go-lru's bench mode (references/go-lru/bench*.go) has Go unit tests of its own: the open
 * loop's schedule, the record encoding, the request log file, one miss queued behind one load.
 * Run here with each toolchain the lab builds go-lru with, so `npm test` runs them too.
 */
describe("go-lru's bench mode passes its Go tests", () => {
  for (const go of ['/usr/local/go/bin/go', '/usr/lib/go-1.19/bin/go']) {
    it(`with ${go}`, { timeout: 300_000 }, async (t) => {
      if (!existsSync(go)) return t.skip(`no Go toolchain at ${go}`);
      const result = await execa(go, ['test', '-count=1', '-run', 'Schedule|Record|WaitUntil|RequestLog|BenchService', '.'], {
        cwd: goLru,
        reject: false,
        all: true,
        env: GO_LRU_TEST_ENV,
      });
      assert.equal(result.exitCode, 0, result.all);
      assert.match(result.all ?? '', /^ok\s/m);
    });
  }
});
