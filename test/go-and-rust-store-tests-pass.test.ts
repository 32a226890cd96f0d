import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { GO_LRU_TEST_ENV, RUST_BTREE_TEST_ENV } from './support/reference-test-env.js';

const references = fileURLToPath(new URL('../references/', import.meta.url));

/**
 * The stores of go-lru and rust-btree have unit tests in their own languages for the rules the
 * Cassandra store rests on: write stamps only grow, the newest write of a row wins whatever order
 * writes land in, and a failed batch is retried with the same stamps, never dropped, the store
 * saying it is failing meanwhile. No database is needed: the tests' backend keeps what Cassandra
 * keeps, the highest stamp of each row.
 */
describe("go-lru's and rust-btree's store tests pass", () => {
  for (const go of ['/usr/local/go/bin/go', '/usr/lib/go-1.19/bin/go']) {
    it(`go-lru with ${go}`, { timeout: 300_000 }, async (t) => {
      if (!existsSync(go)) return t.skip(`no Go toolchain at ${go}`);
      const result = await execa(go, ['test', '-count=1', '-run', 'Stamps|Newest|Retried|LoadsFail|LoadSees|ConcurrentMisses', '.'], {
        cwd: join(references, 'go-lru'),
        reject: false,
        all: true,
        env: GO_LRU_TEST_ENV,
      });
      assert.equal(result.exitCode, 0, result.all);
      assert.match(result.all ?? '', /^ok\s/m);
    });
  }

  // With the features and target folder build.sh uses, so cargo finds the release build's
  // dependencies, and the test binary `npm run build:references` compiled beforehand
  // (scripts/build-references.mjs --tests).
  it('rust-btree with cargo', { timeout: 1_200_000 }, async (t) => {
    const cargo = (await execa('cargo', ['--version'], { reject: false })).exitCode === 0 ? 'cargo' : join(process.env.HOME ?? '', '.cargo', 'bin', 'cargo');
    if (!existsSync(cargo) && cargo !== 'cargo') return t.skip('no cargo (install Rust with rustup)');
    const result = await execa(cargo, ['test', '--release', '--locked', '--features', 'cassandra', 'store'], {
      cwd: join(references, 'rust-btree'),
      reject: false,
      all: true,
      env: RUST_BTREE_TEST_ENV,
    });
    assert.equal(result.exitCode, 0, result.all);
    assert.match(result.all ?? '', /test result: ok\. [1-9]\d* passed/);
  });
});
