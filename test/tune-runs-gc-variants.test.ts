import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

const v8Options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;

describe('readstate-lab tune', () => {
  it('runs the contender once per variant, labelled, with the variant flags on its row, and judges the spike', async () => {
    const dir = tempDir('rsl-tune-');
    const out = join(dir, 'out');
    const { exitCode, stdout, stderr } = await runCli([
      'tune',
      '--scenario',
      smallScenarioFile(dir),
      '--variants',
      'semi-64',
      '--time-scale',
      '200',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, stderr + stdout);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(
      results.rows.map((row) => [row.contender, row.variant]),
      [
        ['naive-map · default', 'default'],
        ['naive-map · semi-64', 'semi-64'],
      ],
    );
    const [base, tuned] = results.rows;
    assert.equal(base?.nodeFlags.includes('--max-semi-space-size=64'), false);
    assert.equal(tuned?.nodeFlags.includes('--max-semi-space-size=64'), true);
    assert.ok(results.rows.every((row) => row.state === 'completed' && row.summary.integrityOk));
    assert.deepEqual(results.settings.invocation?.[0], 'tune');
    assert.ok(existsSync(join(out, 'summary.md')) && existsSync(join(out, 'index.html')));
    assert.match(stdout, /naive-map · semi-64: max \S+ \S+ \((?:[+-]\d+|0)%\), full-GC pause .* costs p50 .* scavenges\/100k/);
    assert.match(stdout, /naive-map: (no variant shortens the forced-GC spike|semi-64 shortens the forced-GC spike)/);
    // Progress goes to stderr, as run's does, naming each row's flags; stdout keeps the table and the verdict.
    assert.match(stderr, /\[2\/2\] naive-map · semi-64 \(--max-semi-space-size=64, repetition 1\): /);
    assert.doesNotMatch(stdout, /\[\d+\/\d+\]/);
  });

  it('refuses an unknown variant, and a flag this Node does not have, before any work', async () => {
    const dir = tempDir('rsl-tune-');
    const out = join(dir, 'out');
    const unknown = await runCli(['tune', '--variants', 'semi-17', '--out', out]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /unknown variant "semi-17"; known: default, semi-16/);
    assert.equal(unknown.stderr.trim().split('\n').length, 1);
    if (!v8Options.includes('--scavenger-max-new-space-capacity-mb')) {
      const missing = await runCli(['tune', '--variants', 'scavenger-cap-8', '--out', out]);
      assert.equal(missing.exitCode, 2);
      assert.match(missing.stderr, /variant scavenger-cap-8: this Node \(v[\d.]+\) has no --scavenger-max-new-space-capacity-mb/);
    }
    assert.equal(existsSync(out), false);
  });
});
