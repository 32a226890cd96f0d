/**
 * The CLI's dispatch: a command line in, an exit code out. harness/cli/main.ts is the process
 * around it.
 */
import { describeError, UsageError } from '../errors.js';
import { packageVersion } from '../package-root.js';
import { commands, overviewHelp } from './command-table.js';

/** Where a command line's words go: the process's stdout and stderr, or a test's capture. */
export interface CommandLineOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processOutput: CommandLineOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Runs one command line; returns the exit code. Bad input is one line on stderr and code 2.
 * main.ts runs it on the process's arguments; tests call it in-process with `output` captured
 * (what a command writes to the process's streams itself, progress and notes, is not captured).
 */
export async function main(argv: readonly string[], output: CommandLineOutput = processOutput): Promise<number> {
  const print = (line: string): void => output.stdout(`${line}\n`);
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
      output.stderr(`readstate-lab ${name}: ${error.message}${hint}\n`);
      return 2;
    }
    output.stderr(`readstate-lab ${name}: ${describeError(error)}\n`);
    return 1;
  }
}

/** package.json's version: the one npm installed. */
function labVersion(): string {
  return packageVersion();
}
