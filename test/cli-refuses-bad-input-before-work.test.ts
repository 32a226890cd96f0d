import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { cliArgs, expectRefused as refused, smallScenarioFile, tempDir } from './support/cli.js';
import { smallScenario } from './support/small-scenario.js';

/**
 * A refused command line as the shell sees it, in real processes: exit code 2, one line on
 * stderr, no stack trace, nothing run. Each command's own checks are called in-process (faster)
 * by cli-refuses-bad-input-before-work.unit.test.ts; here a few of them, one of each kind, go
 * through the compiled CLI, with the refusals that need node itself (--node-flags) and a crash.
 */
describe('every command refuses bad input with exit 2 and one line, before doing any work', () => {
  const dir = tempDir('rsl-bad-input-');
  const scenario = smallScenarioFile(dir);
  const out = join(dir, 'out');
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'not a folder');

  it('reaches the shell as exit 2 and one line: a flag, a path, a file, a name, a command, and serve before it listens', async () => {
    const badScenario = join(dir, 'bad.json');
    writeFileSync(badScenario, '{"name": "x"');
    const cases: Array<[string[], RegExp]> = [
      [['run', '--bogus'], /^readstate-lab run: Unknown option '--bogus' \(see readstate-lab run --help\)$/],
      // tune starts node to check its variants first, so unknown-options-point-to-help.unit.test.ts leaves it to this test.
      [['tune', '--bogus'], /^readstate-lab tune: Unknown option '--bogus' \(see readstate-lab tune --help\)$/],
      [['run', '--scenario', scenario, '--out', aFile], /--out .*a-file is a file, not a folder/],
      [['run', '--scenario', badScenario], /: not valid JSON/],
      [['runtimes', 'install', 'nodejs'], /unknown runtime "nodejs"/],
      [['fly'], /^readstate-lab fly: unknown command "fly"; commands: run, .* \(see readstate-lab --help\)$/],
      [['serve', '--impl', 'naive-map', '--port', '0', '--store-latency', 'nope'], /--store-latency must be none, fixed:MS/],
    ];
    // Three at a time: each is a CLI process that stops at its first check.
    for (let i = 0; i < cases.length; i += 3) await Promise.all(cases.slice(i, i + 3).map(([args, message]) => refused(args, message)));
    assert.equal(existsSync(out), false, 'no output folder was created');
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

  it("names --node-flags that stop node from starting with node's own words, not its internals", async () => {
    const { stderr } = await refused(['run', '--node-flags=--require=/no/such/module.js'], /Cannot find module '\/no\/such\/module\.js'/);
    if (/node:internal/.test(stderr)) throw new Error(`internal location shown: ${stderr}`);
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
      cliArgs(['run', '--scenario', crashing, '--impl', 'naive-map', '--node-flags=--max-old-space-size=32', '--out', join(dir, 'crashed')]),
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
