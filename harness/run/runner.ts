import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Static, Type } from '@sinclair/typebox';
import { execa } from 'execa';
import { referenceExecutable } from '../../implementations/reference-services.js';
import { findAnyContender } from '../../implementations/registry.js';
import { childEntry } from '../entry-points.js';
import { describeError } from '../errors.js';
import { summarizeRow } from '../results/aggregate.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import type { Row } from '../results/schema.js';
import { RowMeasurement } from '../results/schemas/measurement.js';
import { systemRuntimeName } from '../runtimes/catalog.js';
import { launchScript } from '../runtimes/launch.js';
import { requireRuntime } from '../runtimes/locate.js';
import { BASE_NODE_FLAGS } from '../tuning.js';
import { type RowProgress, rowProgressOf } from './row-progress.js';
import type { RowConfig } from './run-one.js';

export interface RunPlan {
  /** Rows in the order to run them; repetitions interleave contenders, as compare.js does. */
  readonly rows: readonly RowConfig[];
  /** Where each child's config, raw output and stderr go. */
  readonly workDir: string;
  /** Extra flags for every child, after the base flags and the contender's own. */
  readonly extraNodeFlags: readonly string[];
}

export interface RunEvents {
  readonly onRowStart?: (config: RowConfig, index: number, total: number) => void;
  /** The child's news: a message, and the figures of its phase when it sent them. */
  readonly onProgress?: (config: RowConfig, message: string, figures?: RowProgress) => void;
  readonly onRowEnd?: (row: Row, index: number, total: number) => void;
  /** Resolves when the user asked to stop (Ctrl-C): no new row starts, the running one is ended. */
  readonly stopSignal?: AbortSignal;
}

/**
 * Runs every row of the plan in its own child process, one after another. A child that fails,
 * crashes or runs out of memory becomes a failed row and the rest still run.
 */
export async function runPlan(plan: RunPlan, events: RunEvents = {}): Promise<Row[]> {
  mkdirSync(plan.workDir, { recursive: true });
  const rows: Row[] = [];
  for (const [index, config] of plan.rows.entries()) {
    if (events.stopSignal?.aborted === true) break;
    events.onRowStart?.(config, index, plan.rows.length);
    const row = await runRow(config, index, plan, events);
    rows.push(row);
    events.onRowEnd?.(row, index, plan.rows.length);
  }
  return rows;
}

async function runRow(config: RowConfig, index: number, plan: RunPlan, events: RunEvents): Promise<Row> {
  const name = `${String(index).padStart(3, '0')}-${config.contender}${config.runtime === undefined ? '' : `-${config.runtime}`}-rep${config.repetition}`;
  const configPath = join(plan.workDir, `${name}.config.json`);
  const outPath = join(plan.workDir, `${name}.out.json`);
  const benchExecutable = benchExecutableOf(config);
  writeFileSync(configPath, JSON.stringify(benchExecutable === undefined ? config : { ...config, benchExecutable }, null, 2));
  const entry = childEntry(import.meta.url, './child-main.js', { measured: true });
  // A program of its own (Go, Rust) measures itself: the child that starts it and reads its
  // output runs on the system Node with the base flags, and the row records no runtime or flags.
  const requestedFlags =
    benchExecutable !== undefined
      ? [...BASE_NODE_FLAGS]
      : [
          ...BASE_NODE_FLAGS,
          ...(config.modulePath === undefined ? findAnyContender(config.contender).nodeFlags : []),
          ...plan.extraNodeFlags,
          ...(config.extraNodeFlags ?? []),
        ];
  // The row's runtime, in its own flag syntax (Bun drops V8 flags, Deno takes them as --v8-flags).
  const runtime = benchExecutable === undefined ? config.runtime : undefined;
  const launch = launchScript(requireRuntime(runtime ?? systemRuntimeName()), requestedFlags, entry, [configPath, outPath]);
  const nodeFlags = benchExecutable === undefined ? launch.flags : [];
  const base = {
    contender: config.label ?? config.contender,
    ...(runtime === undefined ? {} : { runtime }),
    ...(config.variant === undefined ? {} : { variant: config.variant }),
    repetition: config.repetition,
    nodeFlags,
  };
  const started = performance.now();

  const child = execa(launch.file, launch.args, {
    ipc: true,
    reject: false,
    all: true,
    stdin: 'ignore',
    cancelSignal: events.stopSignal,
    forceKillAfterDelay: 2_000,
    // Progress travels as JSON to another runtime: V8's serialization format differs between
    // versions (Deno 2.9's messages made Node 20's reader throw), and Bun's never arrived in it.
    ...(launch.file === process.execPath ? {} : { serialization: 'json' as const }),
  });
  child.on('message', (message: { kind?: string; message?: string }) => {
    if (message.kind === 'progress' && typeof message.message === 'string') events.onProgress?.(config, message.message, rowProgressOf(message));
  });
  const result = await child;
  const wallMs = performance.now() - started;
  writeFileSync(join(plan.workDir, `${name}.log`), result.all ?? '');

  if (events.stopSignal?.aborted === true && !existsSync(outPath)) {
    return { ...base, wallMs, state: 'failed', reason: 'interrupted' };
  }
  let written: unknown;
  try {
    written = JSON.parse(readFileSync(outPath, 'utf8'));
  } catch {
    return { ...base, wallMs, state: 'failed', reason: crashReason(result) };
  }
  let output: ChildOutput;
  try {
    output = checkAgainstSchema(ChildOutput, written, 'its output');
  } catch (error) {
    return { ...base, wallMs, state: 'failed', reason: `unreadable measurement: ${describeError(error)}` };
  }
  if (output.state === 'failed') return { ...base, wallMs, state: 'failed', reason: output.reason };
  try {
    return { ...base, wallMs, state: 'completed', measurement: output.measurement, summary: summarizeRow(output.measurement) };
  } catch (error) {
    return { ...base, wallMs, state: 'failed', reason: `unreadable measurement: ${describeError(error)}` };
  }
}

/**
 * The executable a row runs in its bench mode: a registered service whose design is a program of
 * its own ('http-process', references/), measured in process by that program; else undefined.
 */
function benchExecutableOf(config: RowConfig): string | undefined {
  if (config.modulePath !== undefined) return undefined;
  const contender = findAnyContender(config.contender);
  return contender.kind === 'service' && contender.design.kind === 'http-process' ? referenceExecutable(contender.design.binary) : undefined;
}

/** What a child writes to OUT (harness/run/child-main.ts), checked before the row believes it. */
const ChildOutput = Type.Union([
  Type.Object({ state: Type.Literal('completed'), measurement: RowMeasurement }),
  Type.Object({ state: Type.Literal('failed'), reason: Type.String() }),
]);
type ChildOutput = Static<typeof ChildOutput>;

/** One line saying why a child died without writing its result. */
function crashReason(result: { exitCode?: number; signal?: string; all?: string }): string {
  const output = result.all ?? '';
  if (/heap out of memory|Allocation failed/i.test(output)) return 'ran out of memory (V8 heap limit)';
  const how = result.signal !== undefined ? `killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  const lastLine = output
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .pop();
  return lastLine === undefined ? `crashed: ${how}` : `crashed: ${how}: ${lastLine.trim().slice(0, 200)}`;
}
