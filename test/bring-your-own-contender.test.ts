import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

const example = fileURLToPath(new URL('../examples/my-cache.mjs', import.meta.url));

describe('--impl PATH: a contender of your own', () => {
  it('runs the README example module beside a built-in contender, named after its file, checked for nothing lost', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const { exitCode, stderr } = await runCli(['run', '--scenario', smallScenarioFile(dir), '--impl', `${example},naive-map`, '--out', out]);
    assert.equal(exitCode, 0, stderr);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(
      results.rows.map((row) => row.contender),
      ['my-cache', 'naive-map'],
    );
    const mine = results.rows[0]!;
    assert.equal(mine.state, 'completed', mine.state === 'failed' ? mine.reason : '');
    if (mine.state === 'completed') {
      assert.equal(mine.measurement.integrity.ok, true);
      assert.ok(mine.measurement.integrity.statesChecked > 0);
      assert.ok(mine.measurement.counters.evictions > 0, 'the small scenario makes it evict');
    }
    assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /my-cache/);
  });

  it('fails the run (exit 1) when the module loses the read states it evicts', async () => {
    const dir = tempDir();
    const leaky = join(dir, 'leaky-cache.mjs');
    // A planted bug: the example with every eviction dropped on the floor. Write-backs fall due
    // only after an hour of scenario time, so states are still dirty when they are evicted.
    writeFileSync(leaky, readFileSync(example, 'utf8').replace('if (old.dirty) onEvict(copy(old));', ''));
    const scenario = smallScenarioFile(dir, { writeBackDelaySeconds: 3600 });
    const { exitCode, stdout } = await runCli(['run', '--scenario', scenario, '--impl', leaky, '--out', join(dir, 'out')]);
    assert.equal(exitCode, 1, stdout);
    assert.match(stdout, /LOST READ STATES/);
  });

  // Modules refused at load (exit 2, one line): bring-your-own-contender-is-checked-at-load.unit.test.ts.
});
