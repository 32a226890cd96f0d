import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { calibrationPathOf, readCalibration } from '../harness/gate/calibration-file.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { callCli, expectRefusedInProcess } from './support/cli-in-process.js';

/**
 * gate --calibrate (issue 27): runs a config's run N times, gates every run against every other,
 * and prints per check the noise between unchanged runs and the smallest change it catches. Two
 * short runs make two pairs; what the figures are depends on the machine, so the test checks
 * that every check has its row with figures in it, not what they are. `baseline --calibrate`
 * makes two more and keeps the first as the baseline, with the calibration beside it.
 */
describe('readstate-lab gate --calibrate', () => {
  const dir = tempDir('rsl-gate-calibrate-');
  const scenario = smallScenarioFile(dir, { durationSeconds: 2, rate: 2000, capacity: 2000, forcedGc: null });
  const config = join(dir, 'gate.json');
  writeFileSync(
    config,
    JSON.stringify({
      scenario: 'small',
      run: ['--scenario', scenario, '--impl', 'typed-array', '--repeat', '2'],
      checks: [
        { name: 'tail by window', contender: 'typed-array', metric: 'p999Ms', samples: 'windows', trim: 0.2, allowedChange: 0.5, confidence: 0.95 },
        { name: 'allocation', contender: 'typed-array', metric: 'bytesPerRequest', allowedChange: 0.2, confidence: 0.95 },
        // Far finer than two short runs' noise: the gate must warn that it cannot see that.
        { name: 'tight tail', contender: 'typed-array', metric: 'p99Ms', samples: 'windows', allowedChange: 0.001, confidence: 0.95 },
      ],
    }),
  );

  it('prints each check with its noise, interval, smallest change caught and false alarms', async () => {
    const markdown = join(dir, 'calibration.md');
    const out = join(dir, 'runs');
    const { exitCode, stdout, stderr } = await runCli(['gate', '--calibrate', '--repeat', '2', '--config', config, '--markdown', markdown, '--out', out]);
    assert.equal(exitCode, 0, `${stderr}${stdout.slice(-3000)}`);
    assert.match(stdout, /calibration run 1 of 2/);
    assert.match(stdout, /calibration run 2 of 2/);
    const written = readFileSync(markdown, 'utf8');
    assert.match(written, /gate --calibrate: 2 runs of unchanged code/);
    // Three windows a repetition, two repetitions: six samples a run.
    assert.match(written, /\| tail by window \| p99\.9 of typed-array by window \| 4 \| ±[\d.]+% \| ±[\d.]+% \| \+[\d.]+% \| \+50% at 95% \| [012] of 2 \|/);
    assert.match(
      written,
      /\| allocation \| bytes allocated per request of typed-array \| 2 \| ±[\d.]+% \| ±[\d.]+% \| \+[\d.]+% \| \+20% at 95% \| [012] of 2 \|/,
    );
    assert.ok(stdout.includes(written.trim().split('\n')[0]!), 'the table is printed too');
    // --out keeps each run's folder.
    for (const run of ['run-1', 'run-2']) assert.ok(readFileSync(join(out, run, 'results.json'), 'utf8').includes('"typed-array"'));
  });

  it('baseline --calibrate records the baseline and its calibration, which gate then reads', async () => {
    const baseline = join(dir, 'baseline.json');
    const { exitCode, stdout, stderr } = await runCli(['baseline', '--calibrate', '--repeat', '2', '--config', config, '--out', baseline]);
    assert.equal(exitCode, 0, `${stderr}${stdout.slice(-3000)}`);
    assert.match(stdout, /calibration run 2 of 2/);
    assert.match(stdout, /wrote baseline .*baseline\.json \(the first of the 2 runs\) and its calibration .*baseline\.calibration\.json/);
    const runId: string = JSON.parse(readFileSync(baseline, 'utf8')).runId;
    const calibration = readCalibration(calibrationPathOf(baseline));
    assert.equal(calibration.baselineRunId, runId);
    assert.equal(calibration.runIds[0], runId);
    assert.equal(calibration.runIds.length, 2);
    assert.deepEqual(
      calibration.checks.map((c) => [c.name, c.pairs]),
      [
        ['tail by window', 2],
        ['allocation', 2],
        ['tight tail', 2],
      ],
    );
    assert.equal(calibration.load.atStart.length, 3);
    assert.ok(calibration.checks.every((c) => c.standardError > 0 && c.degreesOfFreedom > 0));
    // The baseline judged against itself: nothing regressed, and the tight check is warned of.
    const markdown = join(dir, 'gate.md');
    const gate = await callCli(['gate', '--current', baseline, '--baseline', baseline, '--config', config, '--markdown', markdown]);
    assert.equal(gate.exitCode, 0, gate.stderr + gate.stdout);
    assert.match(gate.stdout, /^calibration: .*baseline\.calibration\.json, 2 runs on Node /m);
    assert.match(readFileSync(markdown, 'utf8'), /> warning: check "tight tail" allows \+0%, but this check cannot see a change smaller than \+[\d.]+%/);
    assert.match(readFileSync(markdown, 'utf8'), /\| tight tail \| p99 of typed-array by window \|.*\| \+0% at 95% \| \+[\d.]+% \|/);
  });

  it('refuses one run, a baseline or --run beside it, and --repeat without it, in one line', async () => {
    await expectRefusedInProcess(['gate', '--calibrate', '--repeat', '1', '--config', config], /at least 2 runs/);
    await expectRefusedInProcess(['gate', '--calibrate', '--baseline', config, '--config', config], /give no --run, --current or --baseline/);
    await expectRefusedInProcess(['gate', '--calibrate', '--run', '--config', config], /give no --run, --current or --baseline/);
    await expectRefusedInProcess(['gate', '--run', '--repeat', '3', '--config', config], /--repeat is how many runs --calibrate makes/);
    await expectRefusedInProcess(
      ['baseline', '--repeat', '3', '--config', config, '--out', join(dir, 'b.json')],
      /--repeat is how many runs --calibrate makes/,
    );
    await expectRefusedInProcess(['baseline', '--calibrate', '--repeat', '1', '--config', config, '--out', join(dir, 'b.json')], /at least 2 runs/);
  });
});
