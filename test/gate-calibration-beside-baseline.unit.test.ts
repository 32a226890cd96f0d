import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CheckCalibration } from '../harness/gate/calibrate.js';
import { calibrationPathOf, calibrationText, describeCalibration, type GateCalibration, readCalibration } from '../harness/gate/calibration-file.js';
import { judgeByCalibration } from '../harness/gate/calibration-notes.js';
import { type GateCheck, type GateConfig, loadGateConfig } from '../harness/gate/config.js';
import { callCli, expectRefusedInProcess } from './support/cli-in-process.js';
import { SYNTHETIC_ENVIRONMENT, syntheticResults } from './support/synthetic-results.js';

/**
 * A baseline's calibration (issue 27): `baseline --calibrate` writes it beside the baseline as
 * FILE.calibration.json; gate reads it, prints each check's smallest change caught beside its
 * limit and warns where the noise is coarser than the limit or the machine is another. Here the
 * file is made from figures chosen by hand and the gate judges the committed baseline against
 * itself, in process; test/gate-calibrate.test.ts records one with real runs.
 */

const tail: GateCheck = {
  name: 'tail',
  contender: 'typed-array',
  metric: 'p999Ms',
  relativeTo: 'native',
  samples: 'windows',
  trim: 0.2,
  allowedChange: 0.5,
  confidence: 0.95,
};
const memory: GateCheck = { ...tail, name: 'memory', metric: 'bytesPerEntry', relativeTo: null, samples: 'repetitions', trim: 0, allowedChange: 0.1 };
const config: GateConfig = { scenario: 'synthetic', run: [], checks: [tail, memory], claims: [] };

/** A check's calibration with the spread given (log scale) and figures that do not matter here. */
function calibrated(check: GateCheck, standardError: number): CheckCalibration {
  return {
    name: check.name,
    what: check.name,
    samplesPerRun: 10,
    runToRun: standardError,
    intervalHalfWidth: standardError * 2,
    smallestCaught: 1,
    falseAlarms: 0,
    pairs: 2,
    limit: '+50% at 95%',
    standardError,
    degreesOfFreedom: 18,
  };
}

function calibration(tailError: number, memoryError: number, baselineRunId = 'run-a'): GateCalibration {
  const runs = [
    { ...syntheticResults([['typed-array', { p999: 1 }]]), runId: baselineRunId },
    { ...syntheticResults([['typed-array', { p999: 1 }]]), runId: 'run-b' },
  ];
  return describeCalibration(config, runs, [calibrated(tail, tailError), calibrated(memory, memoryError)], {
    atStart: [0.5, 0.4, 0.3],
    atEnd: [1.5, 0.6, 0.4],
  });
}

const dir = mkdtempSync(join(tmpdir(), 'rsl-gate-calibration-'));

describe('a calibration kept beside its baseline', () => {
  it('sits beside the baseline as FILE.calibration.json', () => {
    assert.equal(calibrationPathOf('reports/baselines/mine.json'), 'reports/baselines/mine.calibration.json');
    assert.equal(calibrationPathOf('baseline'), 'baseline.calibration.json');
  });

  it('is written and read back, with a figure that could not be computed as NaN', () => {
    const written = calibration(0.3, Number.NaN);
    const path = join(dir, 'round-trip.calibration.json');
    writeFileSync(path, calibrationText(written));
    const read = readCalibration(path);
    assert.equal(read.baselineRunId, 'run-a');
    assert.deepEqual(read.runIds, ['run-a', 'run-b']);
    assert.deepEqual(read.environment, SYNTHETIC_ENVIRONMENT);
    assert.deepEqual(read.load, { atStart: [0.5, 0.4, 0.3], atEnd: [1.5, 0.6, 0.4], highestPerRun: [null, null] });
    assert.equal(read.checks[0]?.standardError, 0.3);
    assert.equal(read.checks[0]?.relativeTo, 'native');
    assert.ok(Number.isNaN(read.checks[1]?.standardError));
  });

  it('refuses a malformed file in one line naming it and the first wrong field', () => {
    const path = join(dir, 'malformed.calibration.json');
    const { checks, ...rest } = calibration(0.3, 0.01);
    writeFileSync(path, JSON.stringify({ ...rest, checks: [{ ...checks[0], falseAlarms: 'none' }] }));
    assert.throws(
      () => readCalibration(path),
      (error: Error) => /gate calibration .*malformed\.calibration\.json.*falseAlarms/.test(error.message) && !error.message.includes('\n'),
    );
    writeFileSync(path, '{"kind": "gate-calibration",');
    assert.throws(() => readCalibration(path), /gate calibration .*: not valid JSON/);
  });
});

describe('the gate, given a calibration', () => {
  const environment = SYNTHETIC_ENVIRONMENT;

  it("puts each check's smallest change caught beside its limit, and warns only where the noise margin exceeds the allowance", () => {
    const notes = judgeByCalibration(config, calibration(0.6, 0.001), 'x.calibration.json', { runId: 'run-a' }, environment);
    // A margin of (t 0.95 + t 0.90, 18 df) x 0.6 = (1.734 + 1.330) x 0.6 beyond +50%.
    const caught = Number(/^\+([\d.]+)%$/.exec(notes.caughtFrom.get('tail') ?? '')?.[1]) / 100;
    assert.ok(Math.abs(caught - (1.5 * Math.exp(3.064 * 0.6) - 1)) < 0.01, `tail caught from ${notes.caughtFrom.get('tail')}`);
    assert.match(notes.caughtFrom.get('memory') ?? '', /^\+10\.\d%$/);
    const warnings = notes.lines.filter((line) => line.startsWith('warning:'));
    assert.equal(warnings.length, 1, notes.lines.join('\n'));
    assert.match(
      warnings[0]!,
      /check "tail" allows \+50%, but this check cannot see a change smaller than \+[\d.]+% on the machine the baseline was calibrated on/,
    );
    assert.match(
      notes.lines[0]!,
      /calibration: x\.calibration\.json, 2 runs on Node v20, 2 x test .*load average 0\.50 before, 1\.50 after, not measured at most/,
    );
  });

  it('recomputes from the allowance the config has now: a wider one is no longer warned of', () => {
    const widened: GateConfig = { ...config, checks: [{ ...tail, allowedChange: 9 }, memory] };
    const notes = judgeByCalibration(widened, calibration(0.6, 0.001), 'x', { runId: 'run-a' }, environment);
    assert.equal(notes.lines.filter((line) => line.startsWith('warning:')).length, 0, notes.lines.join('\n'));
    assert.match(notes.caughtFrom.get('tail') ?? '', /^\+\d+%$/);
  });

  it('warns when this machine is not the calibrated one, and leaves out a check calibrated as another', () => {
    const renamed: GateConfig = { ...config, checks: [tail, { ...memory, contender: 'native' }] };
    const notes = judgeByCalibration(renamed, calibration(0.01, 0.001), 'x', { runId: 'run-a' }, { ...environment, cpuModel: 'another CPU' });
    assert.ok(
      notes.lines.some((line) =>
        /^warning: the calibration was made on another machine or Node \(CPU model differs: test in the calibration, another CPU in the current run\)/.test(
          line,
        ),
      ),
      notes.lines.join('\n'),
    );
    assert.equal(notes.caughtFrom.get('memory'), 'not calibrated');
    assert.ok(notes.lines.some((line) => line.startsWith('note: check "memory" measured something else in the calibration')));
  });

  it('does not use the calibration of another baseline', () => {
    const notes = judgeByCalibration(config, calibration(0.6, 0.001, 'an-older-run'), 'x', { runId: 'run-a' }, environment);
    assert.equal(notes.caughtFrom.size, 0);
    assert.match(notes.lines.at(-1)!, /^warning: x is the calibration of run an-older-run, not of this baseline \(run-a\), so it is not used/);
  });
});

describe('gate with a calibration beside the committed baseline', () => {
  const baseline = join(dir, 'default.json');
  copyFileSync('reports/baselines/default.json', baseline);
  const runId: string = JSON.parse(readFileSync(baseline, 'utf8')).runId;
  const defaults = loadGateConfig('gates/default.json');
  const environment = JSON.parse(readFileSync(baseline, 'utf8')).environment;
  const runs = [
    { ...syntheticResults([['typed-array', { p999: 1 }]]), runId, environment },
    { ...syntheticResults([['typed-array', { p999: 1 }]]), runId: 'second', environment },
  ];
  const gate = ['gate', '--current', baseline, '--baseline', baseline, '--config', 'gates/default.json'];

  it('prints the calibrated column and the warning in the table and the Markdown', async () => {
    // The tail check's spread is wide, every other check's narrow.
    const checks = defaults.checks.map((check) => calibrated(check, check.name === 'typed-array tail' ? 0.8 : 0.001));
    writeFileSync(calibrationPathOf(baseline), calibrationText(describeCalibration(defaults, runs, checks, { atStart: [1, 1, 1], atEnd: [2, 1, 1] })));
    const markdown = join(dir, 'gate.md');
    const { exitCode, stdout, stderr } = await callCli([...gate, '--markdown', markdown]);
    assert.equal(exitCode, 0, stderr + stdout);
    assert.match(stdout, /^calibration: .*default\.calibration\.json, 2 runs on /m);
    const written = readFileSync(markdown, 'utf8');
    assert.match(written, /\| limit +\| caught 9 in 10 from \(calibrated\) \|/);
    const tailLimit = Math.round(defaults.checks.find((check) => check.name === 'typed-array tail')!.allowedChange * 100);
    assert.match(
      written,
      new RegExp(`> warning: check "typed-array tail" allows \\+${tailLimit}%, but this check cannot see a change smaller than \\+[\\d.]+%`),
    );
    assert.doesNotMatch(written, /check "typed-array memory" allows/);
  });

  it('refuses a malformed calibration in one line, exit 2, before judging anything', async () => {
    writeFileSync(calibrationPathOf(baseline), JSON.stringify({ kind: 'gate-calibration', version: 1 }));
    await expectRefusedInProcess(gate, /gate calibration .*default\.calibration\.json/);
    writeFileSync(calibrationPathOf(baseline), 'not json');
    await expectRefusedInProcess(gate, /gate calibration .*default\.calibration\.json: not valid JSON/);
  });
});
