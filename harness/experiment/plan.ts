import type { ServiceToStart } from '../drive/load-one-service.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { RunSettings, ServiceLevelDriver } from '../results/schema.js';
import type { RowConfig } from '../run/run-one.js';
import type { Runtime } from '../runtimes/locate.js';
import { runtimeFields } from './runtime-rows.js';

/**
 * An experiment, decided before anything runs: contenders x runtimes x settings x repetitions,
 * as parts. A part is one results.json: a run or a tune has one, a sweep one per capacity.
 */
export interface ExperimentPlan {
  readonly parts: readonly PlanPart[];
  /** The runtimes the rows run on, whose versions the results record; undefined: none recorded (tune). */
  readonly runtimes: readonly Runtime[] | undefined;
}

export interface PlanPart {
  readonly runId: string;
  /** The folder its files go to, created. */
  readonly dir: string;
  readonly settings: RunSettings;
  /** --node-flags, for every in-process child and in the recorded environment. */
  readonly extraNodeFlags: readonly string[];
  readonly rows: InProcessRows | ServiceRows;
  /** Whether reports/latest may point at it (a sweep's capacities: no). */
  readonly latest: boolean;
}

/** Rows measured in a child process each, by the lab's in-process driver (harness/run/). */
export interface InProcessRows {
  readonly kind: 'in-process';
  readonly configs: readonly RowConfig[];
  /** The prefix of the scratch folder that holds the children's temporary files. */
  readonly scratchPrefix: string;
}

/** Rows measured over HTTP: each contender a service in its own process, or a running --target. */
export interface ServiceRows {
  readonly kind: 'service';
  readonly jobs: readonly ServiceJob[];
  readonly scenario: Scenario;
  readonly driver: ServiceLevelDriver;
  /** The open-loop driver's connection cap. */
  readonly maxConnections: number;
  /** autocannon's connections, with the closed-loop driver. */
  readonly connections: number;
  /** A running service's URL to load instead of starting services. */
  readonly target: string | undefined;
  /** --store-latency as given, for the Node services; undefined for none. */
  readonly storeLatency: string | undefined;
}

export interface ServiceJob {
  /** The row's name: the contender, or "contender · runtime". */
  readonly label: string;
  readonly runtime: Runtime | undefined;
  /** The service to start; undefined for the --target service. */
  readonly service: ServiceToStart | undefined;
}

/** A row as the experiment starts it. */
export type PlannedRow = { readonly kind: 'in-process'; readonly config: RowConfig } | { readonly kind: 'service'; readonly job: ServiceJob };

/** A contender of an in-process plan: its name, module (one of the user's own), and whether it is a program of its own. */
export interface PlanContender {
  readonly name: string;
  readonly modulePath?: string | undefined;
  /** A program of its own (Go, Rust) runs on no JS runtime: one row, with the first runtime's. */
  readonly ownProgram: boolean;
}

/**
 * The in-process rows of contenders x runtimes x repetitions: repetitions outermost, then
 * runtime by runtime (so the summary groups its rows by runtime), then contenders in order.
 * `runtimes` undefined: the system Node, and rows that name no runtime (tune's). `base` holds
 * what every row shares; `vary` adds a row's own (tune's variant, an injected stall).
 */
export function inProcessRowConfigs<C extends PlanContender>(
  base: Omit<RowConfig, 'contender' | 'modulePath' | 'repetition'>,
  contenders: readonly C[],
  runtimes: readonly Runtime[] | undefined,
  repeat: number,
  vary: (contender: C, index: number) => Partial<RowConfig> = () => ({}),
): RowConfig[] {
  const rows: RowConfig[] = [];
  for (let repetition = 1; repetition <= repeat; repetition++)
    for (const [r, runtime] of (runtimes ?? [undefined]).entries())
      for (const contender of contenders) {
        if (contender.ownProgram && r > 0) continue;
        rows.push({
          contender: contender.name,
          modulePath: contender.modulePath,
          ...base,
          repetition,
          ...(contender.ownProgram || runtime === undefined ? {} : runtimeFields(contender.name, runtime, runtimes ?? [])),
          ...vary(contender, rows.length),
        });
      }
  return rows;
}
