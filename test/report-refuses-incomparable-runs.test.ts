import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunReportModel } from '../harness/report/model.js';
import type { MergedResults } from '../harness/results/results-file.js';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { callCli } from './support/cli-in-process.js';

/** The model the report's page draws from, read back out of index.html. */
function pageModel(html: string): RunReportModel {
  const json = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json !== undefined, 'the page carries its model');
  return JSON.parse(json) as RunReportModel;
}

/**
 * `report A B` merges only runs that measured the same thing: the same resolved scenario field
 * by field, store, loop, kind of run, request log, node flags and lab version. Otherwise it names
 * the first setting that differs, or with --allow-different shows each run as a group of its own.
 */
describe('readstate-lab report, merging runs', () => {
  const dir = tempDir('rsl-merge-');
  const scenario = smallScenarioFile(dir);
  const runs = { a: join(dir, 'a'), b: join(dir, 'b'), c: join(dir, 'c') };
  const read = (run: string): Results => JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')) as Results;

  before(async () => {
    // a and c: the same settings, different contenders; b: a larger cache.
    for (const [out, impl, extra] of [
      [runs.a, 'naive-map', []],
      [runs.b, 'typed-array', ['--capacity', '400']],
      [runs.c, 'typed-array', []],
    ] as const) {
      const run = await runCli(['run', '--scenario', scenario, '--impl', impl, ...extra, '--out', out]);
      assert.equal(run.exitCode, 0, run.stderr);
    }
  });

  it('refuses runs of different settings with one line naming the setting and both values', async () => {
    const { exitCode, stderr } = await runCli(['report', runs.a, runs.b, '--out', join(dir, 'refused')]);
    assert.equal(exitCode, 2, stderr);
    assert.match(stderr, /cannot merge: capacity differs: 300 in .*\/a, 400 in .*\/b/);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
  });

  it('compares every setting that changes what is measured, not only the scenario name', async () => {
    const a = read(runs.a);
    const variants: Array<[string, Results, RegExp]> = [
      ['store', { ...a, settings: { ...a.settings, store: 'memory' } }, /store differs: sqlite in .*, memory in/],
      ['loop', { ...a, settings: { ...a.settings, closedLoop: true } }, /closed loop differs: no in .*, yes in/],
      [
        'kind',
        { ...a, settings: { ...a.settings, serviceLevel: { connections: 10, target: null } } },
        /kind differs: in-process run in .*, service-level \(load\) in/,
      ],
      ['requests', { ...a, settings: { ...a.settings, requestsFile: '/tmp/log.ndjson' } }, /requests file differs: none in .*, \/tmp\/log\.ndjson in/],
      ['lab', { ...a, environment: { ...a.environment, labVersion: '9.9.9' } }, /lab version differs: .* in .*, 9\.9\.9 in/],
      [
        'population',
        { ...a, settings: { ...a.settings, scenario: { ...a.settings.scenario, population: { ...a.settings.scenario.population, users: 3000 } } } },
        /population\.users differs: 2000 in .*, 3000 in/,
      ],
      ['gc', { ...a, settings: { ...a.settings, scenario: { ...a.settings.scenario, forcedGc: null } } }, /forced GC differs: sync every 120 s in .*, none in/],
      [
        'mix',
        { ...a, settings: { ...a.settings, scenario: { ...a.settings.scenario, mix: { ...a.settings.scenario.mix, open: 0.41, ack: 0.29 } } } },
        /mix\.ack differs: 0\.3 in .*, 0\.29 in/,
      ],
      ['rate', { ...a, settings: { ...a.settings, scenario: { ...a.settings.scenario, rate: 2500 } } }, /rate differs: 2000 in .*, 2500 in/],
      ['name', { ...a, settings: { ...a.settings, scenario: { ...a.settings.scenario, name: 'steady' } } }, /scenario differs: small in .*, steady in/],
    ];
    for (const [name, variant, message] of variants) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(variant));
      // In-process: a comparison of settings, called ten times; the test above refuses through a process.
      const { exitCode, stderr } = await callCli(['report', runs.a, file, '--out', join(dir, 'refused')]);
      assert.equal(exitCode, 2, `${name}: ${stderr}`);
      assert.match(stderr, message, name);
    }
  });

  it('with --allow-different, keeps each run a group of its own and lists how the runs differ', async () => {
    const out = join(dir, 'side-by-side');
    const { exitCode, stderr, stdout } = await runCli(['report', runs.a, runs.b, '--allow-different', '--out', out]);
    assert.equal(exitCode, 0, stderr);
    assert.match(stdout, /wrote .*index\.html/);
    const merged = read(out) as MergedResults;
    assert.deepEqual(
      merged.contenders.map((c) => c.contender),
      ['naive-map [run-1]', 'typed-array [run-2]'],
    );
    assert.equal(merged.merged?.separate, true);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const model = pageModel(html);
    assert.deepEqual(
      model.summary.rows.map((row) => row.contender),
      ['naive-map [run-1]', 'typed-array [run-2]'],
    );
    assert.deepEqual(
      model.overTime.map((series) => series.contender),
      ['naive-map [run-1]', 'typed-array [run-2]'],
    );
    const settings = new Map(model.settings);
    assert.match(settings.get('run-2') ?? '', /differs from run-1 in: capacity 400/);
    assert.match(settings.get('capacity') ?? '', /differs by run/);
    assert.ok(settings.has('reproduce run-1') && settings.has('reproduce run-2'));
    assert.match(html, /id="warnings"[^>]*>.*these runs&#39; settings differ \(capacity\)/s);
  });

  it("merges runs of the same settings, keeping every run's rows, repetitions and charts", async () => {
    const out = join(dir, 'merged');
    const { exitCode, stderr } = await runCli(['report', runs.a, runs.c, runs.a, '--out', out]);
    assert.equal(exitCode, 0, stderr);
    const merged = read(out) as MergedResults;
    assert.equal(merged.rows.length, 3);
    assert.equal(merged.merged?.separate, false);
    // Each run's repetitions follow the previous run's, so no two rows of a contender share one.
    assert.deepEqual(
      merged.rows.map((row) => `${row.contender}/${row.repetition}`),
      ['naive-map/1', 'typed-array/2', 'naive-map/3'],
    );
    assert.deepEqual(
      merged.contenders.map((c) => [c.contender, c.completed]),
      [
        ['naive-map', 2],
        ['typed-array', 1],
      ],
    );
    const model = pageModel(readFileSync(join(out, 'index.html'), 'utf8'));
    assert.deepEqual(
      model.summary.rows.map((row) => row.contender),
      ['naive-map', 'typed-array'],
      'rows of both runs are shown',
    );
    assert.deepEqual(
      model.overTime.map((series) => `${series.contender} #${series.repetition}`),
      ['naive-map (run-1) #1', 'naive-map (run-3) #1', 'typed-array #1'],
      'every run keeps its chart',
    );
    assert.deepEqual(
      model.gc.rows.map((row) => row.contender),
      ['naive-map (run-1)', 'naive-map (run-3)', 'typed-array'],
    );
    for (const label of ['naive-map (run-1)', 'naive-map (run-3)']) {
      assert.ok(
        model.contenders.some((c) => c.name === label),
        `${label} has a colour`,
      );
    }
    // The merged file renders again as it was.
    const again = await callCli(['report', out, '--out', join(dir, 'again')]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.deepEqual(pageModel(readFileSync(join(dir, 'again', 'index.html'), 'utf8')).overTime.length, 3);
  });
});
