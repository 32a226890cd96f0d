import { baselineCommand, baselineHelp } from './commands/baseline.js';
import { cassandraCommand, cassandraHelp } from './commands/cassandra.js';
import { gateCommand, gateHelp } from './commands/gate.js';
import { listCommand, listHelp } from './commands/list.js';
import { loadCommand, loadHelp } from './commands/load.js';
import { microCommand, microHelp } from './commands/micro.js';
import { profileCommand, profileHelp } from './commands/profile.js';
import { reportCommand, reportHelp } from './commands/report.js';
import { runCommand, runHelp } from './commands/run.js';
import { runtimesCommand, runtimesHelp } from './commands/runtimes.js';
import { serveCommand, serveHelp } from './commands/serve.js';
import { sweepCommand, sweepHelp } from './commands/sweep.js';
import { tuneCommand, tuneHelp } from './commands/tune.js';
import { workloadCommand, workloadHelp } from './commands/workload.js';

export type Command = (args: readonly string[], print: (line: string) => void) => number | Promise<number>;

/** Every command with its help, whose first line ("readstate-lab NAME: what it does") the overview repeats. */
export const commands: Record<string, { readonly run: Command; readonly help: string }> = {
  run: { run: runCommand, help: runHelp },
  list: { run: listCommand, help: listHelp },
  workload: { run: workloadCommand, help: workloadHelp },
  micro: { run: microCommand, help: microHelp },
  sweep: { run: sweepCommand, help: sweepHelp },
  tune: { run: tuneCommand, help: tuneHelp },
  report: { run: reportCommand, help: reportHelp },
  serve: { run: serveCommand, help: serveHelp },
  load: { run: loadCommand, help: loadHelp },
  profile: { run: profileCommand, help: profileHelp },
  gate: { run: gateCommand, help: gateHelp },
  baseline: { run: baselineCommand, help: baselineHelp },
  runtimes: { run: runtimesCommand, help: runtimesHelp },
  cassandra: { run: cassandraCommand, help: cassandraHelp },
};

/** What a command's own help says it does, after "readstate-lab NAME: ". */
export function summaryOf(help: string): string {
  return (help.split('\n')[0] ?? '').replace(/^readstate-lab \S+: /, '');
}

/**
 * The overview, made from each command's own help so that the two never disagree. Run, sweep,
 * load and gate write results.json, summary.md and index.html into reports/<run-id>/.
 */
export const overviewHelp = `readstate-lab: what does a large in-memory cache cost in tail latency under GC?

Usage: readstate-lab <command> [options]     (every command takes --help)
       readstate-lab --version

Commands:
${Object.entries(commands)
  .map(([name, { help }]) => `  ${name.padEnd(9)}  ${summaryOf(help)}`)
  .join('\n')}

run, sweep and load write results.json, summary.md and index.html (the report) into
reports/<run-id>/; see README.md for what each figure means.`;
