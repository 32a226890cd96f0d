import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from './support/cli.js';
import { callCli } from './support/cli-in-process.js';

const example = fileURLToPath(new URL('../examples/my-cache.mjs', import.meta.url));

/** --impl PATH is loaded and checked against the contract before any row runs (bring-your-own-contender.test.ts runs one). */
describe('--impl PATH: a module that cannot be a contender is refused at load', () => {
  for (const [what, source, message] of [
    ['lacks createCache', 'export const makeCache = () => ({});', /must export a function createCache\(options\); it exports makeCache/],
    ['does not load', 'export function createCache( {', /did not load/],
  ] as const) {
    it(`refuses a module that ${what}: one line, exit 2`, async () => {
      const dir = tempDir();
      const path = join(dir, 'bad-cache.mjs');
      writeFileSync(path, source);
      const { exitCode, stderr } = await callCli(['run', '--impl', path, '--out', join(dir, 'out')]);
      assert.equal(exitCode, 2);
      assert.match(stderr, message);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
    });
  }

  it('refuses a module missing methods of the contract at load, naming them, before any row runs', async () => {
    const dir = tempDir();
    const path = join(dir, 'partial-cache.mjs');
    // The example with two methods taken out: before the contract was checked at load, this ran
    // and failed its row mid-run with "cache.offHeapBytes is not a function".
    writeFileSync(
      path,
      readFileSync(example, 'utf8')
        .replace(/^\s*forEach\(visit\).*$/m, '')
        .replace(/^\s*offHeapBytes\(\).*$/m, ''),
    );
    const { exitCode, stderr, stdout } = await callCli(['run', '--impl', path, '--out', join(dir, 'out')]);
    assert.equal(exitCode, 2, stdout);
    assert.match(stderr, /does not implement the contract .*missing forEach, offHeapBytes/);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.doesNotMatch(stdout + stderr, /measuring|\[1\//);
  });

  it('refuses a path that does not exist', async () => {
    const { exitCode, stderr } = await callCli(['run', '--impl', './no/such-cache.mjs']);
    assert.equal(exitCode, 2);
    assert.match(stderr, /contender module \.\/no\/such-cache\.mjs does not exist/);
  });
});
