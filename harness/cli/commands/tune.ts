import { UsageError } from '../../errors.js';
import type { ExperimentPlan } from '../../experiment/plan.js';
import { formatCount, formatMs } from '../../report/format.js';
import { CommandOutput } from '../command-output.js';
import { CommandFlags } from '../flags.js';
import { chooseVariants, GC_VARIANTS } from '../gc-variants.js';
import { listFlag } from '../options.js';
import { prepareRun, runFlags, runRows, settingsOf } from '../prepare-run.js';
import { executeWithProgress } from '../progress-events.js';
import { newRunId, runDirectory } from '../run-directory.js';
import { printRun, runExitCode, runJson } from '../run-output.js';
import { SHORTER_BY, tuningVerdict } from '../tuning-verdict.js';

/** run's flags, with --variants and naive-map (whose forced-GC spike is the question) by default. */
const tuneFlags = new CommandFlags([...runFlags.names, 'variants'], {
  impl: { default: 'naive-map', help: 'contenders' },
  variants: { defaultHelp: 'every one this Node has; the others are skipped with a line' },
  'store-latency': { default: 'none' },
});

export const tuneHelp = `readstate-lab tune: one contender under V8 GC flag variants, one row each

Usage: readstate-lab tune [--variants a,b] [--impl naive-map] [any option of readstate-lab run]

${tuneFlags.help(['variants'])}
                       "default" is always run first, as the reference:
${GC_VARIANTS.map((v) => `                         ${v.name.padEnd(19)}${v.about}`).join('\n')}
${tuneFlags.help(['impl'])}

Every other option is run's (--scenario, --duration, --rate, --capacity, --time-scale,
--gc-mode, --repeat, --seed, --store, --node-flags, --out...; see readstate-lab run --help).
Each row is labelled "CONTENDER · VARIANT" and records its variant and flags. Writes
results.json, summary.md and index.html as run does, then says which variant, if any, shortens
the forced-GC spike: max latency and full-GC pause both at least ${SHORTER_BY * 100}% below the default's
(medians over repetitions, and with --repeat, every repetition below the default's best), and
what it costs in p50, p99, heap and scavenges.
An unknown variant, or one whose flag this Node does not have, is one line and exit 2.`;

export async function tuneCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = tuneFlags.parse(args, 'tune');
  if (values.help) {
    print(tuneHelp);
    return 0;
  }
  if (values.runtime !== undefined) {
    throw new UsageError('tune varies V8 flags of the system Node; --runtime does not apply (compare runtimes with readstate-lab run --runtime)');
  }
  const skipped: string[] = [];
  const variants = chooseVariants(values.variants === undefined ? undefined : (listFlag(values.variants) ?? []), (line) => skipped.push(line));
  const prepared = await prepareRun(args, print, values);
  const output = new CommandOutput(prepared.outputFlags, print);
  for (const line of skipped) output.note(line);
  const { scenario, chosen, repeat } = prepared;
  const runId = newRunId(`tune-${scenario.name}`);
  const dir = runDirectory(runId, prepared.out);
  // Repetitions, then variants, then contenders: each contender as a variant is a series of its own.
  const asVariants = variants.flatMap((variant) => chosen.map((contender) => ({ ...contender, variant })));
  const configs = runRows({ ...prepared, chosen: asVariants, dumpState: undefined, injected: undefined }, undefined, ({ name, variant }) => ({
    label: `${name} · ${variant.name}`,
    variant: variant.name,
    extraNodeFlags: variant.flags,
  }));
  const settings = { ...settingsOf(prepared), invocation: ['tune', ...args] };
  const plan: ExperimentPlan = {
    runtimes: undefined,
    parts: [
      {
        runId,
        dir,
        settings,
        extraNodeFlags: prepared.extraNodeFlags,
        rows: { kind: 'in-process', configs, scratchPrefix: 'readstate-lab-tune-' },
        latest: true,
      },
    ],
  };
  output.note(
    `tune ${scenario.name}: ${chosen.map((c) => c.name).join(', ')} under ${variants.map((v) => v.name).join(', ')} | ` +
      `${formatCount(scenario.capacity)} states, ${formatCount(scenario.rate)}/s for ${scenario.durationSeconds} s, ${repeat} repetition(s) -> ${dir}`,
  );
  const { parts, interrupted } = await executeWithProgress(plan, output, {
    title: (row) =>
      row.kind === 'in-process'
        ? `${row.config.label} (${[...(row.config.extraNodeFlags ?? []), `repetition ${row.config.repetition}`].join(', ')})`
        : row.job.label,
    result: (row) =>
      row.state === 'failed' ? `FAILED: ${row.reason}` : `max ${formatMs(row.summary.latency.maxMs)}, full-GC pause ${formatMs(row.summary.fullGcPauseMs)}`,
    stopping: 'stopping after the current row is ended; finished rows are kept',
  });
  const { results, written, rows } = parts[0]!;
  const printed = printRun(results, written, output.print, { wide: prepared.outputFlags.wide });
  const verdict = tuningVerdict(
    results,
    chosen.map((c) => c.name),
    variants.map((v) => v.name),
  );
  output.print('');
  for (const line of verdict) output.print(line);
  const code = runExitCode(rows, interrupted, output.print);
  output.emitJson({ ...runJson('tune', results, printed, code), tuning: verdict });
  return code;
}
