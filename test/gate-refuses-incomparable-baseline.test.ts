import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { callCli } from './support/cli-in-process.js';

/**
 * A gate judges a run against a baseline only when both measured the same thing (the comparison
 * `report` merges by): a baseline of another capacity, store, loop... is refused with exit 2,
 * before a `--run` runs anything. Another machine is not refused, but said.
 */
describe('readstate-lab gate, comparing settings and machines', () => {
  const dir = tempDir('rsl-gate-settings-');
  const scenario = smallScenarioFile(dir);
  const runFlags = ['--scenario', scenario, '--impl', 'naive-map,typed-array', '--repeat', '2'];
  const config = join(dir, 'gate.json');
  const current = join(dir, 'current');
  const writeConfig = (path: string, run: readonly string[]): void =>
    writeFileSync(
      path,
      JSON.stringify({
        scenario: 'small',
        run,
        checks: [{ name: 'typed-array p99', contender: 'typed-array', metric: 'p99Ms', relativeTo: 'naive-map', allowedChange: 0.5, confidence: 0.95 }],
      }),
    );
  let results: Results;

  before(async () => {
    writeConfig(config, runFlags);
    const run = await runCli(['run', ...runFlags, '--out', current]);
    assert.equal(run.exitCode, 0, run.stderr);
    results = JSON.parse(readFileSync(join(current, 'results.json'), 'utf8')) as Results;
  });

  it('refuses a baseline whose settings differ, naming the first difference', async () => {
    const cases: Array<[string, Results, RegExp]> = [
      [
        'capacity',
        { ...results, settings: { ...results.settings, scenario: { ...results.settings.scenario, capacity: 999 } } },
        /capacity differs: 999 in the baseline, 300 in the current run/,
      ],
      ['store', { ...results, settings: { ...results.settings, store: 'memory' } }, /store differs: memory in the baseline, sqlite in the current run/],
      [
        'time scale',
        { ...results, settings: { ...results.settings, scenario: { ...results.settings.scenario, timeScale: 12 } } },
        /time scale differs: 12 in the baseline, 240 in the current run/,
      ],
    ];
    for (const [name, baseline, message] of cases) {
      const file = join(dir, `baseline-${name}.json`);
      writeFileSync(file, JSON.stringify(baseline));
      const { exitCode, stderr } = await callCli(['gate', '--baseline', file, '--current', current, '--config', config]);
      assert.equal(exitCode, 2, `${name}: ${stderr}`);
      assert.match(stderr, /the baseline does not compare with the current run: /);
      assert.match(stderr, message);
      assert.equal(stderr.trim().split('\n').length, 1);
    }
  });

  it('with --run, refuses before running anything, and leaves no temporary folder', async () => {
    const otherConfig = join(dir, 'gate-400.json');
    writeConfig(otherConfig, [...runFlags, '--capacity', '400']);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const { exitCode, stdout, stderr } = await runCli(['gate', '--run', '--baseline', join(current, 'results.json'), '--config', otherConfig], { TMPDIR: tmp });
    assert.equal(exitCode, 2, stderr);
    assert.match(stderr, /capacity differs: 300 in the baseline, 400 in the current run/);
    assert.doesNotMatch(stdout + stderr, /\[1\/\d+\]/, 'no row ran');
    assert.deepEqual(
      readdirSync(tmp).filter((name) => name.startsWith('readstate-lab')),
      [],
    );
  });

  it('prints both machines, and warns (without refusing) when they differ', async () => {
    const same = await runCli(['gate', '--baseline', join(current, 'results.json'), '--current', current, '--config', config]);
    assert.equal(same.exitCode, 0, same.stderr);
    const env = results.environment;
    assert.ok(same.stdout.includes(`baseline: Node ${env.node}, ${env.cpuCount} x ${env.cpuModel}`), same.stdout);
    assert.ok(same.stdout.includes(`current:  Node ${env.node}, ${env.cpuCount} x ${env.cpuModel}`), same.stdout);
    assert.doesNotMatch(same.stdout, /warning:/);

    const elsewhere = join(dir, 'baseline-elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify({ ...results, environment: { ...env, cpuModel: 'Other CPU 9000', cpuCount: 64, node: 'v99.0.0' } }));
    const markdown = join(dir, 'gate.md');
    const other = await callCli(['gate', '--baseline', elsewhere, '--current', current, '--config', config, '--markdown', markdown]);
    assert.equal(other.exitCode, 0, other.stderr);
    assert.match(other.stdout, /baseline: Node v99\.0\.0, 64 x Other CPU 9000/);
    const warning = other.stdout.split('\n').filter((line) => line.startsWith('warning:'));
    assert.equal(warning.length, 1, other.stdout);
    assert.match(
      warning[0]!,
      /CPU model differs: Other CPU 9000 in the baseline, .* in the current run; CPU count differs: 64 in the baseline, \d+ in the current run; Node version differs: v99\.0\.0 in the baseline/,
    );
    assert.match(readFileSync(markdown, 'utf8'), /> warning: the baseline was measured on another machine/);
  });

  it("with --run and no --out, removes the run's temporary folder", async () => {
    const claims = join(dir, 'claims.json');
    writeFileSync(
      claims,
      JSON.stringify({
        scenario: 'small',
        run: ['--scenario', scenario, '--impl', 'naive-map,typed-array'],
        claims: [{ name: 'anything', contender: 'typed-array', metric: 'maxMs', relativeTo: 'naive-map', atMost: 1e6 }],
      }),
    );
    const tmp = join(dir, 'tmp-run');
    mkdirSync(tmp);
    const { exitCode, stdout, stderr } = await runCli(['gate', '--run', '--config', claims], { TMPDIR: tmp });
    assert.equal(exitCode, 0, stderr + stdout);
    assert.match(stderr, /\[1\/2\]/, 'the run ran (its progress is on stderr)');
    assert.match(stdout, /temporary and is removed; give --out DIR to keep/);
    assert.deepEqual(
      readdirSync(tmp).filter((name) => name.startsWith('readstate-lab')),
      [],
    );
  });
});
