#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UsageError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { baselineCommand, gateCommand } from './commands/gate.js';
import { listCommand } from './commands/list.js';
import { loadCommand } from './commands/load.js';
import { microCommand } from './commands/micro.js';
import { profileCommand } from './commands/profile.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { runtimesCommand } from './commands/runtimes.js';
import { serveCommand } from './commands/serve.js';
import { sweepCommand } from './commands/sweep.js';
import { tuneCommand } from './commands/tune.js';
import { workloadCommand } from './commands/workload.js';

const help = `readstate-lab: what does a large in-memory cache cost in tail latency under GC?

Usage: readstate-lab <command> [options]     (every command takes --help)
       readstate-lab --version

Commands:
  run        measure contenders under a scenario; writes results.json and summary.md
  list       show the contenders and scenarios
  workload   write a scenario's request log as NDJSON
  micro      hit-path microbenchmarks (tinybench) of every contender
  sweep      bytes per entry, full-GC pause and tail latency against cache size
  tune       one contender under V8 GC flag variants (young generation size, minor-ms...)
  report     render results as an HTML report, or merge several runs into one
  serve      the read-state service over HTTP (JSON API), for load tests and profiling
  load       every contender as an HTTP service under autocannon; same results and report
  profile    clinic.js (doctor, flame, bubbleprof, heapprofiler) on the service under load
  gate       compare a run with a committed baseline; exit 1 on a significant regression
  baseline   record a baseline for gate
  runtimes   install and list the runtimes rows can run on (Node 22/24, Bun, Deno)

See README.md for what each figure means.`;

type Command = (args: readonly string[], print: (line: string) => void) => number | Promise<number>;

const commands: Record<string, Command> = {
  run: runCommand,
  list: listCommand,
  workload: workloadCommand,
  micro: microCommand,
  sweep: sweepCommand,
  tune: tuneCommand,
  report: reportCommand,
  serve: serveCommand,
  load: loadCommand,
  profile: profileCommand,
  gate: gateCommand,
  baseline: baselineCommand,
  runtimes: runtimesCommand,
};

/** Runs one command line; returns the exit code. Bad input is one line on stderr and code 2. */
export async function main(argv: readonly string[]): Promise<number> {
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    print(help);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    print(labVersion());
    return 0;
  }
  const command = commands[name];
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
