import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callCli } from './support/cli-in-process.js';

/** Every command the CLI lists in its help, so a command added later is checked too. */
async function commandNames(): Promise<string[]> {
  const { stdout } = await callCli(['--help']);
  const listed = stdout.split('Commands:')[1] ?? '';
  return [...listed.matchAll(/^ {2}([a-z][\w-]*) {2,}/gm)].map((match) => match[1]!);
}

/**
 * Commands that start node before they read the rest of their command line: tune asks it which
 * V8 flags it takes, and whether it starts with each variant's. Their line is checked end to end
 * (cli-refuses-bad-input-before-work.test.ts), since this tier starts no process.
 */
const startsNodeFirst = new Set(['tune']);

describe('a command line the CLI cannot read', () => {
  it("exits 2 with one line that points to the command's --help, for every command", async () => {
    const names = await commandNames();
    assert.ok(names.includes('run') && names.includes('list') && names.length >= 10, `commands found: ${names.join(', ')}`);
    const inProcess = names.filter((name) => !startsNodeFirst.has(name));
    const results = await Promise.all(inProcess.map(async (name) => ({ name, ...(await callCli([name, '--bogus'])) })));
    for (const { name, exitCode, stderr, stdout } of results) {
      assert.equal(exitCode, 2, `${name} --bogus: exit ${exitCode}\n${stderr}${stdout}`);
      assert.equal(stderr.trim().split('\n').length, 1, `${name}: one line, got ${stderr}`);
      assert.match(stderr, new RegExp(`^readstate-lab ${name}: Unknown option '--bogus' \\(see readstate-lab ${name} --help\\)$`, 'm'));
    }
  });

  it('says how to pass a value that starts with "-", and still points to --help', async () => {
    const { exitCode, stderr } = await callCli(['run', '--capacity', '-5']);
    assert.equal(exitCode, 2);
    assert.equal(
      stderr.trim(),
      'readstate-lab run: --capacity must be followed by its value, and "-5" reads as an option ' +
        '(write --capacity=-5 to pass a negative value) (see readstate-lab run --help)',
    );
  });

  it('points an unknown command to the general --help', async () => {
    const { exitCode, stderr } = await callCli(['runn']);
    assert.equal(exitCode, 2);
    assert.match(stderr, /unknown command "runn"; commands: run, .* \(see readstate-lab --help\)$/m);
  });
});
