/**
 * Every flag of the measuring commands, declared once: its parser type, the word its help shows
 * for the value, its help text, the default the help names and, for numbers, the range and
 * unit `numberFlag` checks. A command lists the flags it takes (and any default of its own);
 * its parser and its help lines both come from here, so they cannot drift apart.
 *
 * Built on node:util's parseArgs, not a library: the lab already wraps its errors into one
 * line that points at --help (options.ts), and what a library such as commander or yargs would
 * add (subcommands, generated help) is the small table below, without a dependency in every
 * install of the lab.
 */
import { SCENARIO_LIMITS } from '../workload/scenario.js';
import { type FlagUnit, numberFlag, parseFlags } from './options.js';

type NumberRule = { readonly min?: number; readonly max?: number; readonly integer?: boolean; readonly unit?: FlagUnit };

interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's name in help ("N", "a,b"); none for a boolean. */
  readonly value?: string;
  readonly help: string;
  /** What the help says the default is when the command gives the parser none ("the scenario's"). */
  readonly defaultHelp?: string;
  /** A number flag's range and unit, checked by numberOf. */
  readonly number?: NumberRule;
}

export const FLAGS = {
  impl: { type: 'string', value: 'a,b', help: 'contenders to run', defaultHelp: 'every one available here' },
  scenario: { type: 'string', value: 'NAME', help: 'a scenario in scenarios/ or a path to one' },
  duration: {
    type: 'string',
    value: 'SECONDS',
    help: 'wall seconds of measured load',
    defaultHelp: "the scenario's",
    number: { min: 0.1, max: SCENARIO_LIMITS.durationSeconds, unit: 'seconds' },
  },
  rate: { type: 'string', value: 'N', help: 'requests per second, open loop', defaultHelp: "the scenario's", number: { min: 1, max: SCENARIO_LIMITS.rate } },
  capacity: {
    type: 'string',
    value: 'N',
    help: 'read states the cache holds, e.g. 2e6',
    defaultHelp: "the scenario's",
    number: { min: 1, max: 2 ** 31 - 1, integer: true },
  },
  'time-scale': {
    type: 'string',
    value: 'X',
    help: 'scenario seconds per wall second',
    defaultHelp: "the scenario's",
    number: { min: 0.001, max: SCENARIO_LIMITS.timeScale },
  },
  'gc-mode': { type: 'string', value: 'MODE', help: 'forced GC: sync, concurrent or none', defaultHelp: "the scenario's" },
  repeat: { type: 'string', value: 'N', help: 'repetitions of every contender, interleaved', defaultHelp: '1', number: { min: 1, max: 100, integer: true } },
  seed: { type: 'string', value: 'N', help: 'workload seed', defaultHelp: "the scenario's", number: { min: 0, max: 0xffff_ffff, integer: true } },
  requests: {
    type: 'string',
    value: 'FILE',
    help: "replay an NDJSON request log (from 'readstate-lab workload') at its own rate (--rate overrides it); its length sets the duration",
  },
  store: {
    type: 'string',
    value: 'KIND',
    help: "sqlite, memory, or cassandra[:HOST,...] (the lab's running cluster unless hosts are named; each run row gets a fresh table)",
    defaultHelp: "the scenario's, else sqlite",
  },
  'store-latency': {
    type: 'string',
    value: 'P',
    help: 'how long the store takes to answer: none, fixed:MS, or a profile of scenarios/store-latency/ (cassandra-2020, scylla-2023) or file',
  },
  'closed-loop': { type: 'boolean', help: 'send each request only after the last one finished (hides stalls)' },
  'dump-state': { type: 'string', value: 'FILE', help: 'write the final read states of the first row as NDJSON' },
  'node-flags': { type: 'string', value: '=FLAGS', help: 'extra flags for every child process, space-separated' },
  'inject-stall': { type: 'string', value: 'C=MS', help: "block contender C's measured thread MS ms once a second (to test gates)" },
  runtime: {
    type: 'string',
    value: 'a,b',
    help: 'runtimes to run every contender on: node20 (the system Node), node22, node24, bun, deno (see readstate-lab runtimes)',
    defaultHelp: 'the system Node',
  },
  driver: { type: 'string', value: 'D', help: 'the open-loop driver: compiled or node' },
  'max-connections': { type: 'string', value: 'N', help: "the open-loop driver's connection cap", number: { min: 1, max: 60_000, integer: true } },
  connections: { type: 'string', value: 'N', help: "autocannon's connections, with --closed-loop", number: { min: 1, max: 10_000, integer: true } },
  target: { type: 'string', value: 'URL', help: "load this running service instead (any service with the lab's API)" },
  time: { type: 'string', value: 'MS', help: 'tinybench time per task', number: { min: 10, max: 600_000, unit: 'milliseconds' } },
  variants: { type: 'string', value: 'a,b', help: 'GC flag variants to run' },
  baseline: { type: 'string', value: 'FILE', help: "results.json recorded by 'readstate-lab baseline' (needed by checks)" },
  current: { type: 'string', value: 'FILE', help: 'the run to judge (a results.json or its folder)' },
  run: { type: 'boolean', help: "run the config's 'run' flags now and judge that" },
  calibrate: {
    type: 'boolean',
    help: "run the config's 'run' --repeat times on unchanged code and print each check's noise and the smallest change it catches",
  },
  config: { type: 'string', value: 'FILE', help: 'checks and claims', defaultHelp: 'gates/default.json' },
  markdown: { type: 'string', value: 'FILE', help: 'also write the verdict table there, for a pull-request comment' },
  tool: { type: 'string', value: 'TOOL', help: 'the clinic tool (required): doctor, flame, bubbleprof or heapprofiler' },
  host: { type: 'string', value: 'HOST', help: 'address to bind' },
  port: { type: 'string', value: 'N', help: 'port (0 picks a free one)', number: { min: 0, max: 65_535, integer: true } },
  db: {
    type: 'string',
    value: 'FILE',
    help: 'the SQLite file',
    defaultHelp: 'readstate-lab-serve-PORT.sqlite in the temp folder, kept across restarts; with --port 0, a file removed when the server stops',
  },
  warm: { type: 'boolean', help: "fill the cache with the scenario's most active users' states first" },
  'warm-file': {
    type: 'string',
    value: 'FILE',
    help: 'fill the cache from a warm file (five little-endian float64s per state: user, channel, last read, mentions, updated at), as load gives every service',
  },
  nodes: { type: 'string', value: 'N', help: 'Cassandra nodes: 1 (on 127.0.0.1) or 3 (on 127.0.0.1, .2 and .3)', defaultHelp: '1' },
  heap: { type: 'string', value: 'SIZE', help: "each Cassandra node's JVM heap, as -Xmx takes it (768m, 1g)", defaultHelp: '1g; 768m for three nodes' },
  gc: { type: 'string', value: 'GC', help: "Cassandra's garbage collector: g1 or zgc", defaultHelp: 'g1' },
  out: { type: 'string', value: 'DIR', help: 'write results here', defaultHelp: 'reports/<run-id>/' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr (the table and the verdict still print)' },
  json: { type: 'boolean', help: 'the summary as JSON on stdout, and nothing else there' },
  wide: { type: 'boolean', help: 'the summary table with every column on one line; otherwise it fits the terminal (or $COLUMNS, or 80)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

type NumberFlagName = { [K in FlagName]: (typeof FLAGS)[K] extends { number: NumberRule } ? K : never }[FlagName];

/** What a command says of a flag beyond the table: a default the parser applies, or words of its own. */
interface Tailoring {
  readonly default?: string;
  /** Replaces the table's help text (the default is still appended from `default` or defaultHelp). */
  readonly help?: string;
  /** What the help says the default is; '' for none (a required flag). */
  readonly defaultHelp?: string;
  /** The value's name in this command's help, when the table's does not fit ("FILE" for "DIR"). */
  readonly value?: string;
}

type Tailored<N extends FlagName> = { readonly [K in N]?: Tailoring };

/** A parsed command line: booleans always set; strings set when given or defaulted by the command. */
export type FlagValues<N extends FlagName, T extends Tailored<N>> = {
  readonly [K in N]: (typeof FLAGS)[K]['type'] extends 'boolean' ? boolean : T[K] extends { default: string } ? string : string | undefined;
};

/** Where help text starts: "  --impl a,b           contenders to run". */
const HELP_COLUMN = 23;
const HELP_WIDTH = 96;

/** The flags a command takes, with any defaults and words of its own: its parser and its help lines. */
export class CommandFlags<N extends FlagName, T extends Tailored<N>> {
  readonly #names: readonly N[];
  readonly #tailored: T;

  constructor(names: readonly N[], tailored: T) {
    this.#names = names;
    this.#tailored = tailored;
  }

  /** The flags' names, in their order. */
  get names(): readonly N[] {
    return this.#names;
  }

  /**
   * Parses strictly (see parseFlags); every boolean defaults to false. `command` names the
   * command in a refusal's hint; without it, main.ts adds the hint.
   */
  parse(args: readonly string[], command?: string): FlagValues<N, T> {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }> = {};
    for (const name of this.#names) {
      const spec: FlagSpec = FLAGS[name];
      const fallback = spec.type === 'boolean' ? false : this.#tailored[name]?.default;
      options[name] = { type: spec.type, ...(spec.short === undefined ? {} : { short: spec.short }), ...(fallback === undefined ? {} : { default: fallback }) };
    }
    return parseFlags(args, options, false, command).values as FlagValues<N, T>;
  }

  /** The help lines of `names` (default: every flag the command takes), in their order. */
  help(names: readonly N[] = this.#names): string {
    return names.map((name) => this.#helpLine(name)).join('\n');
  }

  #helpLine(name: N): string {
    const spec: FlagSpec = FLAGS[name];
    const own = this.#tailored[name];
    const value = own?.value ?? spec.value;
    const head = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${value === undefined ? '' : value.startsWith('=') ? value : ` ${value}`}`;
    // A command may word its parser default (a path in the package rather than its absolute form).
    const fallback = own?.defaultHelp ?? own?.default ?? spec.defaultHelp;
    // The default's words never break from "(default:" (a no-break space, made a space after wrapping).
    const text = `${own?.help ?? spec.help}${fallback === undefined || fallback === '' ? '' : ` (default:\u00a0${fallback})`}`;
    return wrap(`  ${head.padEnd(HELP_COLUMN - 3)} ${text}`);
  }
}

/** A number flag's value, checked against its range and unit in the table. */
export function numberOf(name: NumberFlagName, raw: string | undefined): number | undefined {
  return numberFlag(name, raw, FLAGS[name].number);
}

/** A help line wrapped at HELP_WIDTH, continued under its text. */
function wrap(line: string): string {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(/(?<=\S) (?=\S)/)) {
    if (current !== '' && current.length + 1 + word.trimStart().length > HELP_WIDTH) {
      lines.push(current);
      current = `${' '.repeat(HELP_COLUMN)}${word.trimStart()}`;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  lines.push(current);
  return lines.join('\n').replaceAll('\u00a0', ' ');
}
