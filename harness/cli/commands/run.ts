import { formatCount, formatMs } from '../../report/format.js';
import type { Row } from '../../results/schema.js';
import { CommandOutput } from '../command-output.js';
import { type PreparedRun, prepareRun, runFlags, runPlanOf } from '../prepare-run.js';
import { executeWithProgress } from '../progress-events.js';
import { printRun, runExitCode, runJson } from '../run-output.js';

export const runHelp = `readstate-lab run: measure contenders under a scenario, one child process per row

Usage: readstate-lab run [options]

${runFlags.help()}

Writes results.json, summary.md and index.html (the report), and prints the summary table and
a verdict; progress goes to stderr.
Exits 0 when every row completed and lost nothing, 1 otherwise, 2 on bad input.`;

export async function runCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  // No command name: main.ts names the command that ran.
  const values = runFlags.parse(args);
  if (values.help) {
    print(runHelp);
    return 0;
  }
  return executeRun(await prepareRun(args, print, values), print);
}

/** Runs a prepared plan: every row in its own child process, then results, report and table. */
export async function executeRun(prepared: PreparedRun, print: (line: string) => void): Promise<number> {
  const { scenario, repeat, storeLatency, requestsFile } = prepared;
  const plan = runPlanOf(prepared);
  const output = new CommandOutput(prepared.outputFlags, print);
  const replay = requestsFile === undefined ? '' : ` (the log ${requestsFile})`;
  output.note(
    `${scenario.name}: ${prepared.chosen.map((contender) => contender.name).join(', ')} | ${formatCount(scenario.capacity)} states, ` +
      `${formatCount(scenario.rate)}/s for ${Number(scenario.durationSeconds.toPrecision(3))} s${replay}, ${repeat} repetition(s)${storeLatency === undefined ? '' : `, store latency ${storeLatency.name}`} -> ${plan.parts[0]!.dir}`,
  );
  const { parts, interrupted } = await executeWithProgress(plan, output, {
    title: (row) => (row.kind === 'in-process' ? `${row.config.label ?? row.config.contender} (repetition ${row.config.repetition})` : row.job.label),
    result: describeRow,
    stopping: 'stopping after the current row is ended; finished rows are kept',
  });
  const { results, written, rows } = parts[0]!;
  const printed = printRun(results, written, output.print, { wide: prepared.outputFlags.wide });
  const code = runExitCode(rows, interrupted, output.print);
  output.emitJson(runJson('run', results, printed, code));
  return code;
}

function describeRow(row: Row): string {
  if (row.state === 'failed') return `FAILED: ${row.reason}`;
  const { latency, achievedRate, saturated, gcCount, integrityOk } = row.summary;
  return (
    `p50 ${formatMs(latency.p50Ms)}, p99 ${formatMs(latency.p99Ms)}, max ${formatMs(latency.maxMs)}, ` +
    `${formatCount(achievedRate)}/s${saturated ? ' (saturated)' : ''}, ${gcCount} GCs, ` +
    `${integrityOk ? 'nothing lost' : 'LOST READ STATES'}`
  );
}
