import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../harness/results/scenario-schema.js';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

const example = readFileSync(fileURLToPath(new URL('../examples/my-cache.mjs', import.meta.url)), 'utf8');

/**
 * Planted bugs, each in a copy of the README's example contender: each loses read states while
 * the cache itself keeps answering correctly, so only a check that reads the store catches them.
 */
const mutants: ReadonlyArray<readonly [string, string, string, Partial<Scenario>?]> = [
  ['never-writes-due-states-back', 'for (const s of due) { s.dirty = false; sink(copy(s)); }', 'for (const s of due) { s.dirty = false; }'],
  ['acks-stay-clean', 'mentionCount: 0, updatedAt: now, dirty: true', 'mentionCount: 0, updatedAt: now'],
  // Write-backs fall due only after an hour of scenario time, so states are still dirty when
  // they are evicted: otherwise the write-back timer saves most of them first.
  ['drops-evictions', 'if (old.dirty) onEvict(copy(old));', '', { writeBackDelaySeconds: 3600 }],
];

describe('nothing lost: the check reads the store', () => {
  it('the unmodified example loses nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'my-cache.mjs');
    writeFileSync(path, example);
    const { exitCode, stderr } = await runCli(['run', '--scenario', smallScenarioFile(dir), '--impl', path, '--out', join(dir, 'out')]);
    assert.equal(exitCode, 0, stderr);
  });

  for (const [name, from, to, overrides] of mutants) {
    it(`fails a contender that ${name.replaceAll('-', ' ')}, exit 1, counting the lost states`, async () => {
      const dir = tempDir();
      const path = join(dir, `${name}.mjs`);
      assert.ok(example.includes(from), 'the planted bug applies to the example as it is');
      writeFileSync(path, example.replace(from, to));
      const out = join(dir, 'out');
      const { exitCode, stdout } = await runCli(['run', '--scenario', smallScenarioFile(dir, overrides), '--impl', path, '--out', out]);
      assert.equal(exitCode, 1, stdout);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
      const row = results.rows[0]!;
      assert.equal(row.state, 'completed');
      if (row.state !== 'completed') return;
      const { integrity } = row.measurement;
      assert.equal(integrity.ok, false);
      assert.ok((integrity.lostCount ?? 0) > 0, JSON.stringify(integrity).slice(0, 300));
      assert.match(integrity.note ?? '', new RegExp(`^${integrity.lostCount} of \\d+ changed read states are not in the store`));
      assert.ok(integrity.mismatches.some((m) => m.where === 'not in store' || m.where === 'store'));
    });
  }
});
