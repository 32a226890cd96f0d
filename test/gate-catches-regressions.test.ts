import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

/**
 * The gate on real runs: a baseline, an identical rerun (must pass) and a rerun in which
 * typed-array's thread is blocked 30 ms once a second (must fail). Figures are ratios to
 * naive-map in the same repetition, as the gate compares them.
 */
describe('readstate-lab gate', () => {
  const dir = tempDir('rsl-gate-');
  const scenario = smallScenarioFile(dir, { durationSeconds: 2, rate: 4000 });
  const config = join(dir, 'gate.json');
  const runFlags = ['--scenario', scenario, '--impl', 'naive-map,typed-array', '--repeat', '3'];
  const files = { baseline: join(dir, 'baseline.json'), same: join(dir, 'same', 'results.json'), stalled: join(dir, 'stalled', 'results.json') };

  before(async () => {
    writeFileSync(
      config,
      JSON.stringify({
        scenario: 'small',
        run: runFlags,
        checks: [{ name: 'typed-array p99', contender: 'typed-array', metric: 'p99Ms', relativeTo: 'naive-map', allowedChange: 0.5, confidence: 0.95 }],
        claims: [],
      }),
    );
    const baseline = await runCli(['baseline', '--config', config, '--out', files.baseline]);
    assert.equal(baseline.exitCode, 0, baseline.stderr);
    for (const [name, extra] of [['same', []], ['stalled', ['--inject-stall', 'typed-array=30']]] as const) {
      const run = await runCli(['run', ...runFlags, ...extra, '--out', join(dir, name)]);
      assert.equal(run.exitCode, 0, run.stderr);
    }
  });

  it('passes an identical rerun', async () => {
    const markdown = join(dir, 'same.md');
    const { exitCode, stdout } = await runCli(['gate', '--baseline', files.baseline, '--current', files.same, '--config', config, '--markdown', markdown]);
    assert.equal(exitCode, 0, stdout);
    assert.match(readFileSync(markdown, 'utf8'), /\| typed-array p99 \| p99 of typed-array \/ naive-map \|.*✅/);
  });

  it('fails a run with a stall injected every second, naming the check', async () => {
    const { exitCode, stdout } = await runCli(['gate', '--baseline', files.baseline, '--current', files.stalled, '--config', config]);
    assert.equal(exitCode, 1, stdout);
    assert.match(stdout, /typed-array p99 .*❌ REGRESSION/);
  });

  it('refuses a baseline of another scenario, another schema version, or a malformed config', async () => {
    const foreign = JSON.parse(readFileSync(files.baseline, 'utf8')) as Results;
    const otherScenario = join(dir, 'other-scenario.json');
    writeFileSync(otherScenario, JSON.stringify({ ...foreign, settings: { ...foreign.settings, scenario: { ...foreign.settings.scenario, name: 'steady' } } }));
    const otherSchema = join(dir, 'other-schema.json');
    writeFileSync(otherSchema, JSON.stringify({ ...foreign, schemaVersion: 0 }));
    const badConfig = join(dir, 'bad-config.json');
    writeFileSync(badConfig, JSON.stringify({ scenario: 'small', run: [], checks: [{ name: 'x', contender: 'typed-array', metric: 'p42' }] }));
    const cases: Array<[string[], RegExp]> = [
      [['--baseline', otherScenario, '--current', files.same, '--config', config], /baseline results are of scenario "steady"/],
      [['--baseline', otherSchema, '--current', files.same, '--config', config], /schemaVersion 0; this lab reads 1 to 2/],
      [['--baseline', join(dir, 'missing.json'), '--current', files.same, '--config', config], /no such file/],
      [['--baseline', files.baseline, '--current', files.same, '--config', badConfig], /"metric" must be one of/],
      [['--current', files.same, '--config', config], /checks, which need --baseline/],
      [['--baseline', files.baseline, '--config', config], /either --current FILE or --run/],
    ];
    for (const [args, message] of cases) {
      const { exitCode, stderr } = await runCli(['gate', ...args]);
      assert.equal(exitCode, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, message);
    }
  });
});
