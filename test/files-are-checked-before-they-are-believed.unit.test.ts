import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from './support/cli.js';
import { expectRefusedInProcess as expectRefused } from './support/cli-in-process.js';

const baseline = 'reports/baselines/default.json';

/** The committed baseline with one change made by `edit`, written to a fresh file. */
function editedBaseline(dir: string, name: string, edit: (results: { rows: Array<Record<string, any>> }) => void): string {
  const results = JSON.parse(readFileSync(baseline, 'utf8'));
  edit(results);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(results));
  return path;
}

// --node-flags that stop node from starting: cli-refuses-bad-input-before-work.test.ts (it starts node).
describe('files are checked before they are believed: one line naming the file, exit 2', () => {
  it('report refuses a row whose summary is null', async () => {
    const dir = tempDir();
    const file = editedBaseline(dir, 'null-summary.json', (results) => {
      results.rows[0]!.summary = null;
    });
    await expectRefused(['report', file, '--out', join(dir, 'out')], /null-summary\.json\.rows\[0\]\.summary must be a JSON object/);
  });

  it('gate refuses a row that claims a rate above the one it was asked for', async () => {
    const dir = tempDir();
    const file = editedBaseline(dir, 'fast.json', (results) => {
      results.rows[0]!.measurement.drive.achievedRate = 1e308;
    });
    await expectRefused(['gate', '--current', file, '--baseline', baseline], /fast\.json\.rows\[0\]\.measurement\.drive: achievedRate 1e\+308 is not possible/);
  });

  it("gate checks its config's run flags even when --current means nothing is run", async () => {
    const dir = tempDir();
    const config = JSON.parse(readFileSync('gates/default.json', 'utf8'));
    const path = join(dir, 'bogus-gate.json');
    writeFileSync(path, JSON.stringify({ ...config, run: ['--bogus'] }));
    await expectRefused(
      ['gate', '--current', baseline, '--baseline', baseline, '--config', path],
      /gate config .*bogus-gate\.json: "run": Unknown option '--bogus'/,
    );
  });

  it('run --requests names a folder given for a request log', async () => {
    const dir = join(tempDir(), 'a-folder');
    mkdirSync(dir);
    await expectRefused(['run', '--requests', dir], /cannot read request log .*a-folder: it is a folder, not a file/);
  });
});
