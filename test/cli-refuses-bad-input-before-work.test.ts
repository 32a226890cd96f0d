import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { expectRefused as refused, smallScenarioFile, tempDir } from './support/cli.js';
import { smallScenario } from './support/small-scenario.js';

const cli = fileURLToPath(new URL('../harness/cli/main.ts', import.meta.url));

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
    // Four at a time: each is a CLI process that stops at its first check.
    for (let i = 0; i < cases.length; i += 4) await Promise.all(cases.slice(i, i + 4).map(([args, message]) => refused(args, message)));
    assert.equal(existsSync(out), false, 'no output folder was created');
    assert.equal(existsSync(join(dir, 'missing')), false);
  });

  it('asks node once whether it takes --node-flags, before any row runs', async () => {
    await refused(
      ['run', '--scenario', scenario, '--impl', 'naive-map', '--node-flags=--no-such-flag', '--out', out],
      /--node-flags: node rejected --no-such-flag/,
    );
    await refused(
      ['run', '--scenario', scenario, '--impl', 'naive-map', '--node-flags=--max-old-space-size=lots', '--out', out],
      /node rejected --max-old-space-size=lots/,
    );
    assert.equal(existsSync(out), false);
  });

  // Every command's unknown-option line is checked by unknown-options-point-to-help.test.ts.
  it('ends flag errors with where to look, and explains "--capacity -5"', async () => {
    await refused(
      ['run', '--capacity', '-5'],
      /--capacity must be followed by its value, and "-5" reads as an option \(write --capacity=-5 to pass a negative value\)/,
    );
    await refused(['run', '--capacity=-5'], /--capacity must be an integer from 1 to/);
    await refused(['run', '--out'], /Option '--out <value>' argument missing \(see readstate-lab run --help\)/);
  });

  it('never exits 0 having measured nothing', async () => {
    await refused(['micro', '--impl', 'partitioned', '--out', out], /service/);
    await refused(['run', '--scenario', scenario, '--rate', '1', '--duration', '0.1', '--out', out], /no request at all: nothing would be measured/);
    await refused(['workload', '--scenario', scenario, '--rate', '1', '--duration', '0.1', '--out', join(dir, 'log.ndjson')], /nothing would be measured/);
    const empty = join(dir, 'empty.json');
    const results = {
      schemaVersion: 2,
      kind: 'run',
      runId: 'x',
      createdAt: '',
      environment: {},
      settings: { scenario: smallScenario() },
      rows: [],
      contenders: [],
    };
    writeFileSync(empty, JSON.stringify(results));
    await refused(['report', empty, '--out', out], /holds no rows: nothing to report/);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(join(dir, 'log.ndjson')), false);
  });

  it('leaves no temporary files behind when a child crashes', async () => {
    // A 32 MB heap cannot hold a million cached objects: the child dies out of memory, past its
    // own clean-up, with its store files open.
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const population = { ...smallScenario().population, users: 200_000 };
    mkdirSync(join(dir, 'crash'));
    const crashing = smallScenarioFile(join(dir, 'crash'), { capacity: 1_000_000, population });
    const { exitCode, stdout } = await execa(
      process.execPath,
      ['--import', 'tsx', cli, 'run', '--scenario', crashing, '--impl', 'naive-map', '--node-flags=--max-old-space-size=32', '--out', join(dir, 'crashed')],
      { reject: false, stdin: 'ignore', env: { TMPDIR: tmp } },
    );
    assert.equal(exitCode, 1, stdout);
    assert.match(stdout, /FAILED/);
    assert.deepEqual(
      readdirSync(tmp).filter((name) => name.startsWith('readstate-lab')),
      [],
    );
  });
});
