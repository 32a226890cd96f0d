import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commands, overviewHelp, summaryOf } from '../harness/cli/command-table.js';

describe('help texts agree with each other and with the commands', () => {
  for (const [name, command] of Object.entries(commands)) {
    it(`${name}: --help prints its help, which names it, and the overview repeats its first line`, async () => {
      assert.match(command.help, new RegExp(`^readstate-lab ${name}: \\S`), 'first line: "readstate-lab NAME: what it does"');
      const printed: string[] = [];
      assert.equal(await command.run(['--help'], (line) => printed.push(line)), 0);
      assert.equal(printed.join('\n'), command.help);
      const line = overviewHelp.split('\n').find((l) => l.trimStart().startsWith(`${name} `));
      assert.ok(line !== undefined, `the overview lists ${name}`);
      assert.equal(line.trim().slice(name.length).trim(), summaryOf(command.help));
      assert.ok(line.length <= 100, `overview line for ${name} fits 100 columns: ${line.length}`);
    });
  }
});
