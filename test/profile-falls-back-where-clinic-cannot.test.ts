import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { clinicWorksOn } from '../harness/cli/commands/profile.js';
import { findRuntime } from '../harness/runtimes/locate.js';
import { cliArgs, tempDir } from './support/cli.js';

const newerNode = ['node24', 'node22'].map((name) => findRuntime(name)).find((runtime) => runtime !== undefined);

describe('readstate-lab profile', () => {
  it('knows where clinic can write its report: before Node 21.7 only (node-clinic issue 480)', () => {
    assert.deepEqual(['v20.20.2', '21.6.2', '21.7.0', 'v22.11.0', 'v24.21.0'].map(clinicWorksOn), [true, true, false, false, false]);
  });

  // profile without --tool is refused: cli-refuses-bad-input-before-work.unit.test.ts.

  it('on a newer Node, says clinic cannot in one line and writes a .heapprofile instead', {
    skip: newerNode === undefined ? 'no Node 22 or 24 installed (readstate-lab runtimes install node24)' : false,
  }, async () => {
    const out = join(tempDir('rsl-profile-'), 'out');
    const args = ['profile', '--impl', 'typed-array', '--tool', 'heapprofiler', '--duration', '1', '--capacity', '1000', '--out', out];
    const result = await execa(newerNode!.executable, cliArgs(args), { reject: false, stdin: 'ignore' });
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.match(
      result.stdout,
      /clinic heapprofiler cannot write its report on Node v2\d\.\S+ \(21\.7 or later; node-clinic issue 480\): using node --heap-prof instead/,
    );
    assert.match(result.stdout, /Memory tab/);
    const profiles = readdirSync(out).filter((file) => file.endsWith('.heapprofile'));
    assert.ok(profiles.length >= 1, result.stdout);
    assert.ok('head' in JSON.parse(readFileSync(join(out, profiles[0]!), 'utf8')), 'a heap profile DevTools can open');
  });
});
