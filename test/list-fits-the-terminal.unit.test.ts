import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listCommand } from '../harness/cli/commands/list.js';
import { UsageError } from '../harness/errors.js';

/** What `list ARGS` prints, one string. */
function list(args: readonly string[]): string {
  const lines: string[] = [];
  const code = listCommand(args, (line) => lines.push(line));
  assert.equal(code, 0);
  return lines.join('\n');
}

describe('list fits the terminal', () => {
  // Off a terminal (as here), the width comes from $COLUMNS.
  const saved = process.env['COLUMNS'];
  before(() => {
    process.env['COLUMNS'] = '80';
  });
  after(() => {
    if (saved === undefined) delete process.env['COLUMNS'];
    else process.env['COLUMNS'] = saved;
  });

  it('every line fits 80 columns, descriptions cut with an ellipsis', () => {
    const text = list([]);
    const widest = Math.max(...text.split('\n').map((line) => line.length));
    assert.ok(widest <= 80, `a line of ${widest} characters:\n${text}`);
    assert.match(text, /…/);
    assert.match(text, /discord-scale/);
  });

  it('--wide prints every description whole', () => {
    const text = list(['--wide']);
    assert.doesNotMatch(text, /…/);
    assert.ok(Math.max(...text.split('\n').map((line) => line.length)) > 80);
  });

  it('list NAME prints one contender or scenario in full', () => {
    const text = list(['discord-scale']);
    assert.match(text, /^discord-scale \(scenario\)/);
    assert.match(text, /5,000,000 cached states/);
    assert.match(list(['typed-array']), /^typed-array \(cache\)/);
    assert.throws(
      () => list(['no-such-thing']),
      (error: Error) => error instanceof UsageError && /no contender or scenario is called "no-such-thing"/.test(error.message),
    );
  });
});
