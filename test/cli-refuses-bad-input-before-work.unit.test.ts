import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { smallScenarioFile, tempDir } from './support/cli.js';
import { callCli, expectRefusedInProcess as refused } from './support/cli-in-process.js';
import { smallScenario } from './support/small-scenario.js';

/**
 * The checks every command makes of its command line before any work, called in-process through
 * the CLI's dispatch (the fast tier). That a refusal reaches the shell as exit code 2 and one
 * line on stderr with no stack trace is checked with real processes by
 * cli-refuses-bad-input-before-work.test.ts, beside the refusals that need node itself.
 */
describe('every command refuses bad input with exit 2 and one line, before doing any work', () => {
  const dir = tempDir('rsl-bad-input-');
  const scenario = smallScenarioFile(dir);
  const out = join(dir, 'out');
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'not a folder');
  // A place nothing can be written, even by root: Linux's /sys refuses new entries.
  const unwritable = '/sys/readstate-lab-test/out';

  it('checks every output path first: empty, a file in the way, a missing folder, unwritable', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['run', '--scenario', scenario, '--out', ''], /--out must name a folder, got an empty string/],
      [['run', '--scenario', scenario, '--out', aFile], /--out .*a-file is a file, not a folder/],
      [['run', '--scenario', scenario, '--out', join(aFile, 'below')], /cannot write to .*below: .*a-file is a file, not a folder/],
      [['run', '--scenario', scenario, '--out', unwritable], /cannot write to \/sys\/readstate-lab-test\/out: permission denied/],
      [
        ['run', '--scenario', scenario, '--impl', 'naive-map', '--dump-state', join(dir, 'missing', 'states.ndjson'), '--out', out],
        /cannot write .*states\.ndjson: its folder .*missing does not exist/,
      ],
      [['run', '--scenario', scenario, '--impl', 'naive-map', '--dump-state', dir, '--out', out], /--dump-state .* is a folder; give the path of a file/],
      [['run', '--scenario', scenario, '--impl', 'naive-map', '--dump-state', '', '--out', out], /--dump-state must name a file, got an empty string/],
      [['workload', '--scenario', scenario, '--out', ''], /--out must name a file, got an empty string/],
      [['workload', '--scenario', scenario, '--out', join(dir, 'missing', 'log.ndjson')], /its folder .*missing does not exist/],
      [['baseline', '--out', join(dir, 'missing', 'baseline.json')], /cannot write .*baseline\.json: its folder .*missing does not exist/],
      [['gate', '--current', dir, '--markdown', join(dir, 'missing', 'gate.md')], /cannot write .*gate\.md: its folder .*missing does not exist/],
      [['gate', '--run', '--out', unwritable], /cannot write to \/sys\/readstate-lab-test\/out: permission denied/],
      [['gate', '--current', dir, '--out', out], /--out is where a --run writes/],
      [['micro', '--impl', 'naive-map', '--out', ''], /--out must name a folder/],
      [['sweep', '--impl', 'naive-map', '--out', aFile], /is a file, not a folder/],
      [['report', dir, '--out', unwritable], /cannot write to .*: permission denied/],
    ];
    for (const [args, message] of cases) await refused(args, message);
    assert.equal(existsSync(out), false, 'no output folder was created');
    assert.equal(existsSync(join(dir, 'missing')), false);
  });

  // Every command's unknown-option line is checked by unknown-options-point-to-help.unit.test.ts.
  it('ends flag errors with where to look, and explains "--capacity -5"', async () => {
    await refused(
      ['run', '--capacity', '-5'],
      /--capacity must be followed by its value, and "-5" reads as an option \(write --capacity=-5 to pass a negative value\)/,
    );
    await refused(['run', '--capacity=-5'], /--capacity must be an integer from 1 to/);
    await refused(['run', '--out'], /Option '--out <value>' argument missing \(see readstate-lab run --help\)/);
  });

  it('refuses unknown names, malformed numbers and files that are not JSON', async () => {
    const badScenario = join(dir, 'bad.json');
    writeFileSync(badScenario, '{"name": "x"');
    const cases: Array<[string[], RegExp]> = [
      [['run', '--impl', 'nope'], /unknown contender "nope"; known: naive-map, lru-cache, typed-array, native, partitioned-inheap, partitioned/],
      [['run', '--rate', 'fast'], /--rate must be a number/],
      [['run', '--capacity', '0'], /--capacity must be an integer/],
      [['run', '--scenario', 'nope'], /unknown scenario "nope"/],
      [['run', '--scenario', badScenario], /: not valid JSON/],
      [['run', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['run', '--requests', join(dir, 'missing.ndjson'), '--impl', 'naive-map'], /cannot read request log/],
      [['run', '--store', 'postgres'], /--store must be one of sqlite, memory/],
      [['fly'], /unknown command "fly"/],
      [['workload'], /workload needs --out FILE/],
      [['profile', '--impl', 'typed-array'], /profile needs --tool: one of doctor, flame, bubbleprof, heapprofiler/],
      [['load', '--impl', 'redis'], /redis is a service that runs in-process only \(readstate-lab run\)/],
    ];
    for (const [args, message] of cases) await refused(args, message);
    assert.equal(existsSync(join(dir, 'out')), false);
  });

  it('never exits 0 having measured nothing', async () => {
    await refused(['micro', '--impl', 'partitioned', '--out', out], /service/);
    await refused(['run', '--scenario', scenario, '--rate', '1', '--duration', '0.1', '--out', out], /no request at all: nothing would be measured/);
    await refused(['workload', '--scenario', scenario, '--rate', '1', '--duration', '0.1', '--out', join(dir, 'log.ndjson')], /nothing would be measured/);
    const empty = join(dir, 'empty.json');
    // The committed baseline without its rows: a file that passes the schema and holds nothing.
    const baseline = JSON.parse(readFileSync('reports/baselines/default.json', 'utf8'));
    const results = { ...baseline, settings: { ...baseline.settings, scenario: smallScenario() }, rows: [], contenders: [] };
    writeFileSync(empty, JSON.stringify(results));
    await refused(['report', empty, '--out', out], /holds no rows: nothing to report/);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(join(dir, 'log.ndjson')), false);
  });

  it('has --help on every command, and --help is not a refusal', async () => {
    for (const command of ['run', 'list', 'workload', 'micro', 'sweep', 'tune', 'report', 'serve', 'load', 'profile', 'gate', 'baseline', 'runtimes']) {
      const { exitCode, stdout, stderr } = await callCli([command, '--help']);
      assert.equal(exitCode, 0, `${command} --help: ${stderr}`);
      assert.match(stdout, new RegExp(`readstate-lab ${command}`));
      assert.equal(stderr, '');
    }
  });
});
