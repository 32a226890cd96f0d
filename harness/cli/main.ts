#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UsageError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { commands, overviewHelp } from './command-table.js';

/** Runs one command line; returns the exit code. Bad input is one line on stderr and code 2. */
export async function main(argv: readonly string[]): Promise<number> {
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    print(overviewHelp);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    print(labVersion());
    return 0;
  }
  const command = commands[name]?.run;
  try {
    if (command === undefined) {
      throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')} (see readstate-lab --help)`);
    }
    return await command(args, print);
  } catch (error) {
    if (error instanceof UsageError) {
      // Every refused command line says where to look, whichever check refused it.
      const hint = /--help\)?$/.test(error.message) || command === undefined ? '' : ` (see readstate-lab ${name} --help)`;
      process.stderr.write(`readstate-lab ${name}: ${error.message}${hint}\n`);
      return 2;
    }
    process.stderr.write(`readstate-lab ${name}: ${describeError(error)}\n`);
    return 1;
  }
}

/** package.json's version: the one npm installed. */
function labVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

// Output piped into `head` closes early: that is the reader's choice, not an error to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
