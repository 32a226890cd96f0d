import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { HostLoadMonitor } from '../../measure/host-load.js';
import { formatCount, formatMs } from '../../report/format.js';
import type { ContenderSummary, Results, Row } from '../../results/schema.js';
import type { RowConfig } from '../../run/run-one.js';
import { BASE_NODE_FLAGS } from '../../tuning.js';
import { CommandOutput } from '../command-output.js';
import { onInterrupt } from '../interrupt.js';
import { listFlag } from '../options.js';
import { newRunId, runDirectory } from '../run-directory.js';
import { assembleResults, runJson, writeRunOutput } from '../run-output.js';
import { runRowsWithProgress } from '../run-rows.js';
import { prepareRun, rowOf, runExitCode, settingsOf } from './run.js';

/**
 * A named set of V8 flags, as Discord tuned Go's GC before the rewrite: the young generation's
 * size (how often scavenges run, and how much survives into the old generation the forced full
 * GC must mark), the young-generation collector, and background GC threads.
 */
interface GcVariant {
  readonly name: string;
  readonly about: string;
  /** The flags on this Node (its `--v8-options`), or a reason it has none. */
  readonly flags: (v8Options: ReadonlySet<string>) => readonly string[] | { readonly missing: string };
}

const has =
  (flag: string, value?: string) =>
  (v8Options: ReadonlySet<string>): readonly string[] | { readonly missing: string } =>
    v8Options.has(flag) ? [value === undefined ? flag : `${flag}=${value}`] : { missing: `this Node (${process.version}) has no ${flag}` };

export const GC_VARIANTS: readonly GcVariant[] = [
  { name: 'default', about: "V8's own settings", flags: () => [] },
  { name: 'semi-16', about: 'semi-spaces of at most 16 MB (a 32 MB young generation)', flags: has('--max-semi-space-size', '16') },
  { name: 'semi-64', about: 'semi-spaces of at most 64 MB: fewer scavenges, fewer objects promoted', flags: has('--max-semi-space-size', '64') },
  { name: 'semi-128', about: 'semi-spaces of at most 128 MB', flags: has('--max-semi-space-size', '128') },
  {
    name: 'minor-ms',
    about: 'the young generation collected by mark-sweep instead of a copying scavenger (--minor-mc before V8 11.8)',
    flags: (v8Options) =>
      v8Options.has('--minor-ms')
        ? ['--minor-ms']
        : v8Options.has('--minor-mc')
          ? ['--minor-mc']
          : { missing: `this Node (${process.version}) has neither --minor-ms nor --minor-mc` },
  },
  { name: 'single-threaded-gc', about: 'no background GC threads: every GC step on the main thread', flags: has('--single-threaded-gc') },
  {
    // Node 24 (V8 13.6) caps the new space at 32 MB by default, doubled in Node's builds (no
    // pointer compression): 64 MB semi-spaces, a 128 MB young generation. 8 is a quarter of that.
    name: 'scavenger-cap-8',
    about: "Node 24's new-space cap at 8 MB instead of 32: a young generation a quarter of its default",
    flags: has('--scavenger-max-new-space-capacity-mb', '8'),
  },
];

/** A variant is said to shorten the spike when both figures drop at least this much below the default's. */
const SHORTER_BY = 0.2;

export const tuneHelp = `readstate-lab tune: one contender under V8 GC flag variants, one row each

Usage: readstate-lab tune [--variants a,b] [--impl naive-map] [any option of readstate-lab run]

  --variants a,b   variants to run (default: every one this Node has; the others are skipped
                   with a line). "default" is always run first, as the reference:
${GC_VARIANTS.map((v) => `                     ${v.name.padEnd(19)}${v.about}`).join('\n')}
  --impl a,b       contenders (default: naive-map, whose forced-GC spike is the question)

Every other option is run's (--scenario, --duration, --rate, --capacity, --time-scale,
--gc-mode, --repeat, --seed, --store, --node-flags, --out...; see readstate-lab run --help).
Each row is labelled "CONTENDER · VARIANT" and records its variant and flags. Writes
results.json, summary.md and index.html as run does, then says which variant, if any, shortens
the forced-GC spike: max latency and full-GC pause both at least ${SHORTER_BY * 100}% below the default's
(medians over repetitions, and with --repeat, every repetition below the default's best), and
what it costs in p50, p99, heap and scavenges.
An unknown variant, or one whose flag this Node does not have, is one line and exit 2.`;

/** Splits --variants off a command line; the rest is run's. */
function takeVariants(args: readonly string[]): { variants: string[] | undefined; rest: string[] } {
  const rest: string[] = [];
  let variants: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--variants') {
      const value = args[++i];
      if (value === undefined || value.startsWith('-'))
        throw new UsageError('--variants must be followed by a list of variants, e.g. --variants default,semi-64');
      variants = listFlag(value) ?? [];
    } else if (arg.startsWith('--variants=')) {
      variants = listFlag(arg.slice('--variants='.length)) ?? [];
    } else {
      rest.push(arg);
    }
  }
  return { variants, rest };
}

/** The V8 flag names this Node knows. */
function v8OptionNames(): Set<string> {
  const result = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', timeout: 30_000 });
  return new Set([...(result.stdout ?? '').matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((match) => match[1]!));
}

/** The variants to run, each with its flags, "default" first; checked before any work. */
function chooseVariants(requested: readonly string[] | undefined, print: (line: string) => void): Array<{ name: string; flags: readonly string[] }> {
  const known = GC_VARIANTS.map((v) => v.name);
  if (requested !== undefined && requested.length === 0) throw new UsageError('--variants needs at least one name');
  for (const name of requested ?? []) {
    if (!known.includes(name)) throw new UsageError(`unknown variant "${name}"; known: ${known.join(', ')}`);
  }
  const v8Options = v8OptionNames();
  const names = ['default', ...(requested ?? known).filter((name) => name !== 'default')];
  const chosen: Array<{ name: string; flags: readonly string[] }> = [];
  for (const name of new Set(names)) {
    const flags = GC_VARIANTS.find((v) => v.name === name)!.flags(v8Options);
    if ('missing' in flags) {
      if (requested !== undefined) throw new UsageError(`variant ${name}: ${flags.missing}`);
      print(`skipping variant ${name}: ${flags.missing}`);
      continue;
    }
    checkNodeAccepts(name, flags);
    chosen.push({ name, flags });
  }
  return chosen;
}

/** Node must start with the variant's flags: a flag it rejects is one line now, not a failed row later. */
function checkNodeAccepts(variant: string, flags: readonly string[]): void {
  if (flags.length === 0) return;
  const result = spawnSync(process.execPath, [...BASE_NODE_FLAGS, ...flags, '-e', '0'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status === 0) return;
  const said = (result.stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
  throw new UsageError(`variant ${variant}: node does not start with ${flags.join(' ')} (${said ?? `exit ${result.status}`})`);
}

export async function tuneCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    print(tuneHelp);
    return 0;
  }
  const { variants: requested, rest } = takeVariants(args);
  if (rest.some((arg) => arg === '--runtime' || arg.startsWith('--runtime='))) {
    throw new UsageError('tune varies V8 flags of the system Node; --runtime does not apply (compare runtimes with readstate-lab run --runtime)');
  }
  const hasImpl = rest.some((arg) => arg === '--impl' || arg.startsWith('--impl='));
  const skipped: string[] = [];
  const variants = chooseVariants(requested, (line) => skipped.push(line));
  const prepared = await prepareRun(hasImpl ? rest : [...rest, '--impl', 'naive-map'], print);
  if (prepared === undefined) return 0;
  const output = new CommandOutput(prepared.outputFlags, print);
  for (const line of skipped) output.note(line);
  const { scenario, chosen, repeat } = prepared;
  const runId = newRunId(`tune-${scenario.name}`);
  const dir = runDirectory(runId, prepared.out);
  const rows: RowConfig[] = [];
  for (let repetition = 1; repetition <= repeat; repetition++) {
    for (const variant of variants) {
      for (const contender of chosen) {
        rows.push({
          ...rowOf(prepared, contender, repetition),
          label: `${contender.name} · ${variant.name}`,
          variant: variant.name,
          extraNodeFlags: variant.flags,
        });
      }
    }
  }
  output.note(
    `tune ${scenario.name}: ${chosen.map((c) => c.name).join(', ')} under ${variants.map((v) => v.name).join(', ')} | ` +
      `${formatCount(scenario.capacity)} states, ${formatCount(scenario.rate)}/s for ${scenario.durationSeconds} s, ${repeat} repetition(s) -> ${dir}`,
  );
  const progress = output.progress(rows.length);
  const interrupt = onInterrupt(() => progress.note('stopping after the current row is ended; finished rows are kept'));
  const hostLoad = new HostLoadMonitor();
  hostLoad.probeFloor();
  let finished: Row[];
  try {
    finished = await runRowsWithProgress(
      { rows, workDir: join(dir, 'rows'), extraNodeFlags: prepared.extraNodeFlags },
      'readstate-lab-tune-',
      { progress, hostLoad, stopSignal: interrupt.signal },
      {
        title: (config) => `${config.label} (${[...(config.extraNodeFlags ?? []), `repetition ${config.repetition}`].join(', ')})`,
        result: (row) =>
          row.state === 'failed' ? `FAILED: ${row.reason}` : `max ${formatMs(row.summary.latency.maxMs)}, full-GC pause ${formatMs(row.summary.fullGcPauseMs)}`,
      },
    );
  } finally {
    progress.finish();
    interrupt.dispose();
  }
  const results = assembleResults(runId, { ...settingsOf(prepared), invocation: ['tune', ...args] }, finished, prepared.extraNodeFlags, hostLoad.stop());
  const written = writeRunOutput(dir, results, output.print);
  const verdict = tuningVerdict(
    results,
    chosen.map((c) => c.name),
    variants.map((v) => v.name),
  );
  output.print('');
  for (const line of verdict) output.print(line);
  const code = runExitCode(finished, interrupt.signal.aborted, output.print);
  output.emitJson({ ...runJson('tune', results, written, code), tuning: verdict });
  return code;
}

/**
 * For each contender: which variant shortens its forced-GC spike (max latency and full-GC pause
 * both at least SHORTER_BY below the default's medians), and what every variant costs.
 */
export function tuningVerdict(results: Results, contenders: readonly string[], variants: readonly string[]): string[] {
  const lines: string[] = [];
  const summaryOf = (contender: string, variant: string): ContenderSummary | undefined =>
    results.contenders.find((c) => c.contender === `${contender} · ${variant}` && c.completed > 0);
  for (const contender of contenders) {
    const base = summaryOf(contender, 'default');
    if (base === undefined) {
      lines.push(`${contender}: the default row did not complete, so no variant can be judged`);
      continue;
    }
    const shorter: string[] = [];
    for (const variant of variants) {
      if (variant === 'default') continue;
      const tuned = summaryOf(contender, variant);
      if (tuned === undefined) {
        lines.push(`${contender} · ${variant}: did not complete`);
        continue;
      }
      const maxChange = change(tuned.maxMs.median, base.maxMs.median);
      const pauseChange = change(tuned.fullGcPauseMs.median, base.fullGcPauseMs.median);
      // With repetitions, the variant's worst must also beat the default's best, in both figures:
      // on a busy machine one slow repetition moves a median of three.
      const apart = tuned.completed < 2 || base.completed < 2 || (tuned.maxMs.max < base.maxMs.min && tuned.fullGcPauseMs.max < base.fullGcPauseMs.min);
      if (maxChange <= -SHORTER_BY && pauseChange <= -SHORTER_BY && apart) shorter.push(variant);
      lines.push(
        `${contender} · ${variant}: max ${formatMs(tuned.maxMs.median)} (${percent(maxChange)}), full-GC pause ${formatMs(tuned.fullGcPauseMs.median)} (${percent(pauseChange)}); ` +
          `costs p50 ${formatMs(tuned.p50Ms.median)} (${percent(change(tuned.p50Ms.median, base.p50Ms.median))}), ` +
          `p99 ${formatMs(tuned.p99Ms.median)} (${percent(change(tuned.p99Ms.median, base.p99Ms.median))}), ` +
          `heap max ${mib(tuned.heapUsedMaxBytes.median)} (${percent(change(tuned.heapUsedMaxBytes.median, base.heapUsedMaxBytes.median))}), ` +
          `scavenges/100k ${round(tuned.scavengesPer100k.median)} (default ${round(base.scavengesPer100k.median)})`,
      );
    }
    const apartRule = base.completed < 2 ? '' : ", every repetition below the default's best";
    if (base.completed < 2) lines.push(`${contender}: one repetition each, which cannot tell a variant from the machine's noise: use --repeat 3`);
    lines.push(
      shorter.length === 0
        ? `${contender}: no variant shortens the forced-GC spike (default: max ${formatMs(base.maxMs.median)}, full-GC pause ${formatMs(base.fullGcPauseMs.median)}; the test: ${SHORTER_BY * 100}% or more below in both${apartRule})`
        : `${contender}: ${shorter.join(', ')} shorten${shorter.length === 1 ? 's' : ''} the forced-GC spike by at least ${SHORTER_BY * 100}%${apartRule} (default: max ${formatMs(base.maxMs.median)}, full-GC pause ${formatMs(base.fullGcPauseMs.median)})`,
    );
  }
  return lines;
}

/** Relative change of `value` against `reference`; NaN when either is not a figure. */
function change(value: number, reference: number): number {
  return Number.isFinite(value) && Number.isFinite(reference) && reference !== 0 ? value / reference - 1 : Number.NaN;
}

function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  return `${fraction >= 0 ? '+' : ''}${Math.round(fraction * 100)}%`;
}

function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : 'n/a';
}

function round(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value)) : 'n/a';
}
