import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

/**
 * A scenario that asks for forced GCs, run for less than one interval (`--duration 5` with
 * discord-2min's forced GC every 10 s of wall time), measures no forced GC at all: its table
 * looks fine and says nothing about the pauses the lab is about. The run says so, in the
 * terminal after the table, in summary.md and in the HTML report, and `report` keeps saying it.
 */
/** The terminal wraps a long note to its width; its continuation lines start with two spaces. */
function unwrapped(stdout: string): string {
  return stdout.replace(/\n {2}(?=\S)/g, ' ');
}

describe('a run whose measured span holds no forced GC', () => {
  const dir = tempDir('rsl-no-forced-gc-');
  // The small scenario's forced GC comes every 120 s of scenario time: at a time scale of 60,
  // every 2 s of wall time, and the run lasts 1 s.
  const scenario = smallScenarioFile(dir, { durationSeconds: 1 });
  const expected =
    /note: no forced GC fell in the 1 s measured \(one every 2 s\): this run says nothing about forced-GC pauses; use --duration 3 or more, or --time-scale 240 or more/;

  it('says so after the table, in summary.md and in the HTML report', async () => {
    const out = join(dir, 'short');
    const { exitCode, stdout, stderr } = await runCli(['run', '--scenario', scenario, '--impl', 'naive-map', '--time-scale', '60', '--out', out]);
    assert.equal(exitCode, 0, stderr);
    const lines = unwrapped(stdout).split('\n');
    const note = lines.findIndex((line) => expected.test(line));
    assert.ok(note > 0, stdout);
    assert.match(lines[note - 1]!, /^naive-map\s/, 'the note follows the table');
    assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), expected);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const block = /<div class="warning" id="warnings"[^>]*>(.*?)<\/div>/s.exec(html)?.[1] ?? '';
    assert.match(block, expected, 'a warning block in the page');
    assert.ok(html.indexOf('id="warnings"') < html.indexOf('id="summary"'), 'the warning comes with the verdict, before the table');

    const rerendered = await runCli(['report', out, '--out', join(dir, 'rerendered')]);
    assert.equal(rerendered.exitCode, 0, rerendered.stderr);
    assert.match(unwrapped(rerendered.stdout), expected);
    assert.match(readFileSync(join(dir, 'rerendered', 'index.html'), 'utf8'), expected);
  });

  it('says nothing when forced GCs fell in the span, or when the scenario asks for none', async () => {
    for (const [name, extra] of [
      ['with-gcs', ['--time-scale', '240']],
      ['no-gc-asked', ['--time-scale', '60', '--gc-mode', 'none']],
    ] as const) {
      const out = join(dir, name);
      const { exitCode, stdout, stderr } = await runCli(['run', '--scenario', scenario, '--impl', 'naive-map', ...extra, '--out', out]);
      assert.equal(exitCode, 0, stderr);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { rows: Array<{ measurement: { forcedGcs: unknown[] } }> };
      if (name === 'with-gcs') assert.ok(results.rows[0]!.measurement.forcedGcs.length > 0, 'forced GCs were measured');
      assert.doesNotMatch(stdout, /note: .*forced GC/);
      assert.doesNotMatch(readFileSync(join(out, 'summary.md'), 'utf8'), /note: .*forced GC/);
      // The page's warning box may hold the machine's warnings (CPU contention), never a missed forced GC.
      const html = readFileSync(join(out, 'index.html'), 'utf8');
      const block = /<div class="warning" id="warnings"[^>]*>(.*?)<\/div>/s.exec(html)?.[1] ?? '';
      assert.doesNotMatch(block, /forced GC/);
    }
  });
});
