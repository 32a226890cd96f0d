/**
 * Cross-checks `readstate-lab load --target` against vegeta (an open-loop Go load tool we did not
 * write) on ONE rust-btree service process and the same request log, back to back: at each rate,
 * load then vegeta, again and again (A B A B), so drift of the service or the machine shows.
 * Prints one table (p50, p99, max, achieved rate per run, and load/vegeta of p50 and p99 per
 * pair) and writes it as JSON with --out.
 *
 *   npm run build && npm run build:references
 *   node --import tsx scripts/cross-check-with-vegeta.ts [--rates 2000,15000] [--duration 10]
 *        [--pairs 2] [--scenario discord-2020] [--capacity N] [--max-connections 512]
 *        [--vegeta PATH] [--out FILE]
 *
 * vegeta v12.12.0 is installed, once, into ~/.cache/readstate-lab/tools/vegeta-v12.12.0/
 * (GOBIN=... go install github.com/tsenart/vegeta/v12@v12.12.0, from the Go module proxy).
 * vegeta times each request from when it actually sent it, not from when it fell due: its
 * figures are an honest cross-check only while it keeps up, so its achieved rate is printed and
 * a line warns when it is below 95% of the rate asked.
 *
 * Exit 0: compared, or "skipped: WHY" on one line (no Go to install vegeta with, or
 * references/build/rust-btree or load-driver not built); 1: a run failed (a tool exited badly,
 * or a request it sent was not answered 2xx; requests a late tool never sent are counted and
 * warned of, not failed); 2: bad flags or dist/ not built; 130: interrupted.
 * Traffic goes to 127.0.0.1 only; every process it starts is stopped on exit, Ctrl-C included.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyOverrides } from '../harness/cli/scenario-overrides.js';
import { compiledDriverPath } from '../harness/drive/compiled-driver-binary.js';
import { httpRequestAt } from '../harness/drive/http-request.js';
import { type RunningService, startServiceProcess } from '../harness/drive/service-process.js';
import { packageRoot } from '../harness/package-root.js';
import type { Results } from '../harness/results/schema.js';
import { readRequestLog } from '../harness/workload/request-log.js';
import { loadScenario } from '../harness/workload/scenario.js';
import { writeWarmFile } from '../harness/workload/warm-file.js';
import { Workload } from '../harness/workload/workload.js';
import { referenceExecutable } from '../implementations/reference-services.js';

const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12';
const VEGETA_VERSION = 'v12.12.0';
/** Below this share of the rate asked, a tool fell behind and its figures are suspect. */
const HELD_SHARE = 0.95;
/** The bar: load's p50 and p99 within this factor of vegeta's. */
const WITHIN = 1.5;
/** Beyond a run's own duration: the lab's ruler floor (up to 5 s), start-up, writing results. */
const RUN_MARGIN_MS = 90_000;
const GO_INSTALL_TIMEOUT_MS = 300_000;

const usage = `Usage: node --import tsx scripts/cross-check-with-vegeta.ts [--rates 2000,15000] [--duration 10] [--pairs 2]
       [--scenario discord-2020] [--capacity N] [--max-connections 512] [--vegeta PATH] [--out FILE]`;

/** One tool's figures for one run. */
interface RunFigures {
  readonly tool: 'load' | 'vegeta';
  readonly rate: number;
  readonly pair: number;
  /** Requests the log holds for this rate and duration: what each tool should send. */
  readonly expected: number;
  readonly sent: number;
  /** Answered with a 2xx. */
  readonly ok2xx: number;
  /** Sent but not answered 2xx: errors, timeouts, other statuses, no answer. */
  readonly not2xx: number;
  /** Of the log's requests, never sent: the tool fell behind (vegeta stops at its duration). */
  readonly unsent: number;
  readonly achievedRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** load only: how late its sends left their due times (p50/p99/max, ms). */
  readonly sendLagMs?: { readonly p50: number; readonly p99: number; readonly max: number };
}

interface PairRatio {
  readonly rate: number;
  readonly pair: number;
  readonly p50: number;
  readonly p99: number;
}

// --- processes this script started, stopped on every exit --------------------------------------

/** Process groups of the children running now (each started detached, so its own group). */
const groups = new Set<number>();
const interrupted = new AbortController();
let service: RunningService | undefined;
let scratch: string | undefined;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Every group still running: SIGTERM, and SIGKILL to those left after 3 s (load finishes its row on a first SIGTERM). */
async function cleanUp(): Promise<void> {
  for (const pid of groups) killGroup(pid, 'SIGTERM');
  for (let waited = 0; groups.size > 0 && waited < 3000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of groups) killGroup(pid, 'SIGKILL');
  const stopping = service;
  service = undefined;
  if (stopping !== undefined) await stopping.stop().catch(() => undefined);
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted.signal.aborted) {
      for (const pid of groups) killGroup(pid, 'SIGKILL');
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping what this script started\n`);
    interrupted.abort();
    void cleanUp().finally(() => process.exit(130));
  });
}

/**
 * Runs a program in a process group of its own, so that it and whatever it starts (load starts
 * the compiled driver and a null server) end together: SIGTERM to the group on timeout or
 * interrupt, SIGKILL 3 s later.
 */
function runGroup(
  file: string,
  args: readonly string[],
  options: { readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv },
): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    if (interrupted.signal.aborted) return reject(new Error('interrupted'));
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const pid = child.pid;
    if (pid === undefined) return reject(new Error(`could not start ${file}`));
    groups.add(pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      killGroup(pid, 'SIGTERM');
      killer = setTimeout(() => killGroup(pid, 'SIGKILL'), 3000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    interrupted.signal.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      interrupted.signal.removeEventListener('abort', stop);
      // The group may outlive its leader (a grandchild still running): end it too.
      killGroup(pid, 'SIGKILL');
      groups.delete(pid);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), timedOut });
    });
  });
}

// --- flags ----------------------------------------------------------------------------------------

/** One line and exit: on stdout for exit 0 ("skipped: ..."), else on stderr. */
function fail(code: number, line: string): never {
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  process.exit(code);
}

let parsed: ReturnType<typeof parseFlags>;
function parseFlags() {
  return parseArgs({
    options: {
      rates: { type: 'string', default: '2000,15000' },
      duration: { type: 'string', default: '10' },
      pairs: { type: 'string', default: '2' },
      scenario: { type: 'string', default: 'discord-2020' },
      capacity: { type: 'string' },
      'max-connections': { type: 'string', default: '512' },
      vegeta: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}
try {
  parsed = parseFlags();
} catch (error) {
  fail(2, `${(error as Error).message}\n${usage}`);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const positive = (name: string, raw: string, max: number): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) fail(2, `--${name} must be a whole number from 1 to ${max}, not "${raw}"`);
  return value;
};
const rates = values.rates.split(',').map((raw) => positive('rates', raw.trim(), 100_000));
const durationSeconds = positive('duration', values.duration, 600);
const pairs = positive('pairs', values.pairs, 20);
const maxConnections = positive('max-connections', values['max-connections'], 60_000);
let scenario: ReturnType<typeof loadScenario>;
try {
  scenario = applyOverrides(loadScenario(values.scenario), { capacity: values.capacity });
} catch (error) {
  fail(2, (error as Error).message);
}

// --- what it needs --------------------------------------------------------------------------------

const cli = join(packageRoot, 'dist', 'harness', 'cli', 'main.js');
if (!existsSync(cli)) fail(2, `${cli} is missing: run npm run build first`);
const rustBtree = referenceExecutable('rust-btree');
if (!existsSync(rustBtree)) fail(0, 'skipped: references/build/rust-btree is not built (npm run build:references needs cargo)');
if (!existsSync(compiledDriverPath())) fail(0, 'skipped: references/build/load-driver is not built (npm run build:references needs Go)');

/** The Go toolchain, as scripts/build-references.mjs finds it, or undefined. */
function findGo(): string | undefined {
  for (const candidate of ['/usr/local/go/bin/go', 'go']) {
    if (spawnSync(candidate, ['env', 'GOVERSION'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return undefined;
}

/** vegeta: --vegeta PATH, or the lab's cached copy, installed with Go the first time. */
async function vegetaBinary(): Promise<string> {
  if (values.vegeta !== undefined) {
    if (spawnSync(values.vegeta, ['-version']).status !== 0) fail(2, `--vegeta ${values.vegeta} does not run`);
    return values.vegeta;
  }
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const folder = join(cache, 'readstate-lab', 'tools', `vegeta-${VEGETA_VERSION}`);
  const binary = join(folder, 'vegeta');
  if (existsSync(binary)) return binary;
  const go = findGo();
  if (go === undefined) fail(0, `skipped: no Go toolchain to install vegeta ${VEGETA_VERSION} with (install Go, or pass --vegeta PATH)`);
  mkdirSync(folder, { recursive: true });
  process.stderr.write(`installing vegeta ${VEGETA_VERSION} into ${folder} (go install, once)\n`);
  const result = await runGroup(go, ['install', `${VEGETA_MODULE}@${VEGETA_VERSION}`], {
    timeoutMs: GO_INSTALL_TIMEOUT_MS,
    env: { ...process.env, GOBIN: folder },
  });
  if (result.code !== 0 || !existsSync(binary)) {
    fail(1, `${result.stderr.trim()}\ngo install ${VEGETA_MODULE}@${VEGETA_VERSION} failed${result.timedOut ? ' (timed out)' : ''}`);
  }
  return binary;
}

// --- the request log, for both tools --------------------------------------------------------------

/**
 * The scenario's request log at `rate` for the run's duration, written by `readstate-lab
 * workload` (the log `load` makes for itself from the same flags), and the same requests in the
 * same order as vegeta's JSON targets: each in its HTTP form as the lab's drivers send it
 * (httpRequestAt), the body base64, Content-Type on the requests with a body.
 */
async function writeTargets(rate: number, url: string): Promise<{ readonly file: string; readonly count: number }> {
  const logFile = join(scratch!, `requests-${rate}.ndjson`);
  const args = [cli, 'workload', '--scenario', values.scenario, '--rate', String(rate), '--duration', String(durationSeconds), '--out', logFile];
  const made = await runGroup(process.execPath, args, { timeoutMs: 120_000 });
  if (made.code !== 0) throw new Error(`readstate-lab workload failed: ${made.stderr.trim() || made.stdout.trim()}`);
  const log = await readRequestLog(logFile);
  const lines: string[] = [];
  for (let i = 0; i < log.count; i++) {
    const request = httpRequestAt(log, i);
    const target: Record<string, unknown> = { method: request.method, url: `${url}${request.path}` };
    if (request.body !== undefined) {
      target.body = Buffer.from(request.body, 'utf8').toString('base64');
      target.header = { 'Content-Type': ['application/json'] };
    }
    lines.push(JSON.stringify(target));
  }
  const file = join(scratch!, `targets-${rate}.json`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, count: log.count };
}

// --- one run of each tool -------------------------------------------------------------------------

async function runLoad(url: string, rate: number, pair: number, expected: number): Promise<RunFigures> {
  const out = join(scratch!, `load-${rate}-${pair}`);
  const args = [cli, 'load', '--scenario', values.scenario, '--rate', String(rate), '--duration', String(durationSeconds)];
  args.push('--target', url, '--driver', 'compiled', '--max-connections', String(maxConnections), '--out', out, '--json');
  const result = await runGroup(process.execPath, args, { timeoutMs: durationSeconds * 1000 + RUN_MARGIN_MS });
  const resultsFile = join(out, 'results.json');
  if (!existsSync(resultsFile)) {
    throw new Error(
      `readstate-lab load wrote no results (exit ${result.code}${result.timedOut ? ', timed out' : ''}): ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  const row = results.rows[0];
  if (row === undefined || row.state !== 'completed') {
    throw new Error(`readstate-lab load: ${row?.state === 'failed' ? row.reason : 'no row'} (exit ${result.code})`);
  }
  const { drive, integrity } = row.measurement;
  // A --target row's integrity note says how many requests were not answered 2xx (harness/drive/load-one-service.ts).
  const failed = Number(/(\d+) requests failed/.exec(integrity.note ?? '')?.[1] ?? 0);
  const lag = drive.sendLag;
  return {
    tool: 'load',
    rate,
    pair,
    expected,
    sent: drive.sent,
    ok2xx: drive.completed - failed,
    not2xx: failed + (drive.sent - drive.completed),
    unsent: Math.max(0, expected - drive.sent),
    achievedRate: row.summary.achievedRate,
    p50Ms: row.summary.latency.p50Ms,
    p99Ms: row.summary.latency.p99Ms,
    maxMs: row.summary.latency.maxMs,
    ...(lag === undefined ? {} : { sendLagMs: { p50: lag.p50Ms, p99: lag.p99Ms, max: lag.maxMs } }),
  };
}

/** vegeta report -type=json, the fields read here. */
interface VegetaReport {
  readonly latencies: { readonly '50th': number; readonly '99th': number; readonly max: number };
  readonly requests: number;
  readonly rate: number;
  readonly status_codes: Readonly<Record<string, number>>;
  readonly errors: readonly string[] | null;
}

async function runVegeta(vegeta: string, targets: string, rate: number, pair: number, expected: number): Promise<RunFigures> {
  const results = join(scratch!, `vegeta-${rate}-${pair}.bin`);
  const attackArgs = ['attack', '-format=json', `-rate=${rate}/s`, `-duration=${durationSeconds}s`, `-max-workers=${maxConnections}`];
  attackArgs.push(`-targets=${targets}`, `-output=${results}`);
  const attack = await runGroup(vegeta, attackArgs, { timeoutMs: durationSeconds * 1000 + RUN_MARGIN_MS });
  if (attack.code !== 0) throw new Error(`vegeta attack exited ${attack.code}${attack.timedOut ? ' (timed out)' : ''}: ${attack.stderr.trim()}`);
  const report = await runGroup(vegeta, ['report', '-type=json', results], { timeoutMs: 60_000 });
  if (report.code !== 0) throw new Error(`vegeta report exited ${report.code}: ${report.stderr.trim()}`);
  const parsedReport = JSON.parse(report.stdout) as VegetaReport;
  const ok2xx = Object.entries(parsedReport.status_codes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    tool: 'vegeta',
    rate,
    pair,
    expected,
    sent: parsedReport.requests,
    ok2xx,
    not2xx: parsedReport.requests - ok2xx,
    unsent: Math.max(0, expected - parsedReport.requests),
    achievedRate: parsedReport.rate,
    p50Ms: parsedReport.latencies['50th'] / 1e6,
    p99Ms: parsedReport.latencies['99th'] / 1e6,
    maxMs: parsedReport.latencies.max / 1e6,
  };
}

// --- the table ------------------------------------------------------------------------------------

const ms = (value: number): string => (value < 1 ? `${(value * 1000).toFixed(0)} µs` : value < 100 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
const perSecond = (value: number): string => `${Math.round(value).toLocaleString('en-US')}/s`;

function table(runs: readonly RunFigures[], ratios: readonly PairRatio[]): string {
  const header = ['rate', 'pair', 'tool', 'p50', 'p99', 'max', 'achieved', 'unsent', 'not 2xx', 'load/vegeta p50', 'load/vegeta p99'];
  const rows = runs.map((run) => {
    const ratio = run.tool === 'vegeta' ? ratios.find((r) => r.rate === run.rate && r.pair === run.pair) : undefined;
    const held = run.achievedRate >= HELD_SHARE * run.rate ? '' : ' LATE';
    return [
      perSecond(run.rate),
      String(run.pair),
      run.tool,
      ms(run.p50Ms),
      ms(run.p99Ms),
      ms(run.maxMs),
      `${perSecond(run.achievedRate)}${held}`,
      String(run.unsent),
      String(run.not2xx),
      ratio === undefined ? '' : `${ratio.p50.toFixed(2)}x`,
      ratio === undefined ? '' : `${ratio.p99.toFixed(2)}x`,
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** load/vegeta of one percentile over a rate's pairs, against the bar, either way. */
function judge(ratios: readonly number[]): string {
  const highest = Math.max(...ratios);
  const lowest = Math.min(...ratios);
  const range = ratios.length === 1 ? `${highest.toFixed(2)}x` : `${lowest.toFixed(2)}-${highest.toFixed(2)}x`;
  if (highest > WITHIN) return `load's ABOVE vegeta's by more than ${WITHIN}x (${range})`;
  if (lowest < 1 / WITHIN) return `load's BELOW vegeta's by more than ${WITHIN}x (${range})`;
  return `within ${WITHIN}x of vegeta's (${range})`;
}

// --- the comparison -------------------------------------------------------------------------------

const uptime = (): string =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  const vegeta = await vegetaBinary();
  scratch = mkdtempSync(join(tmpdir(), 'rsl-vegeta-'));
  const loadAtStart = uptime();
  process.stderr.write(`load average at start: ${loadAtStart}\n`);
  const warmFile = join(scratch, 'warm-states.bin');
  process.stderr.write(`writing ${scenario.capacity.toLocaleString('en-US')} warm read states for rust-btree\n`);
  writeWarmFile(warmFile, new Workload(scenario, scenario.seed).warmStates(scenario.capacity));
  service = await startServiceProcess({
    program: { kind: 'reference', binary: 'rust-btree' },
    scenario,
    warmFile,
    dbPath: join(scratch, 'rust-btree.sqlite'),
    stopSignal: interrupted.signal,
  });
  const url = service.url.replace(/\/$/, '');
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`rust-btree listens at ${url}, not on 127.0.0.1`);
  process.stderr.write(`rust-btree (pid ${service.pid}) at ${url}, kept for every run\n`);

  const runs: RunFigures[] = [];
  const ratios: PairRatio[] = [];
  const warnings: string[] = [];
  const warn = (line: string): void => {
    warnings.push(line);
    process.stderr.write(`WARNING: ${line}\n`);
  };
  for (const rate of rates) {
    const targets = await writeTargets(rate, url);
    for (let pair = 1; pair <= pairs; pair++) {
      process.stderr.write(`${perSecond(rate)} pair ${pair}/${pairs}: readstate-lab load --target, ${durationSeconds} s\n`);
      const lab = await runLoad(url, rate, pair, targets.count);
      runs.push(lab);
      process.stderr.write(`${perSecond(rate)} pair ${pair}/${pairs}: vegeta attack, ${durationSeconds} s\n`);
      const other = await runVegeta(vegeta, targets.file, rate, pair, targets.count);
      runs.push(other);
      ratios.push({ rate, pair, p50: lab.p50Ms / other.p50Ms, p99: lab.p99Ms / other.p99Ms });
      if (other.achievedRate < HELD_SHARE * rate) {
        warn(
          `vegeta sent ${perSecond(other.achievedRate)} of ${perSecond(rate)} asked (pair ${pair}): it was late, and it times from its actual send, so its latencies are too low`,
        );
      }
      if (lab.achievedRate < HELD_SHARE * rate)
        warn(`readstate-lab load sent ${perSecond(lab.achievedRate)} of ${perSecond(rate)} asked (pair ${pair}): it did not hold the rate`);
      for (const run of [lab, other]) {
        if (run.not2xx > 0) warn(`${run.tool} at ${perSecond(rate)} (pair ${pair}): ${run.not2xx} of ${run.sent} requests sent not answered 2xx`);
        if (run.unsent > 0)
          warn(
            `${run.tool} at ${perSecond(rate)} (pair ${pair}): ${run.unsent} of the log's ${run.expected} requests never sent${run.tool === 'vegeta' ? ' (vegeta stops at its -duration and drops the hits it was late for)' : ''}`,
          );
      }
    }
  }
  const loadAtEnd = uptime();

  const printed = table(runs, ratios);
  process.stdout.write(`${printed}\n`);
  const verdicts = rates.map((rate) => {
    const mine = ratios.filter((ratio) => ratio.rate === rate);
    const held = (tool: RunFigures['tool']): string => {
      const late = runs.filter((run) => run.rate === rate && run.tool === tool && run.achievedRate < HELD_SHARE * rate).length;
      return late === 0 ? `${tool} held the rate in every pair` : `${tool} fell below ${HELD_SHARE * 100}% of it in ${late} of ${mine.length}`;
    };
    const line = `${perSecond(rate)}: p50 ${judge(mine.map((ratio) => ratio.p50))}; p99 ${judge(mine.map((ratio) => ratio.p99))}; ${held('load')}; ${held('vegeta')}`;
    process.stdout.write(`${line}\n`);
    return line;
  });
  process.stdout.write(`load average: ${loadAtStart} at start, ${loadAtEnd} at the end (1, 5, 15 min)\n`);
  if (values.out !== undefined) {
    const document = {
      kind: 'vegeta-cross-check',
      createdAt: new Date().toISOString(),
      scenario: values.scenario,
      capacity: scenario.capacity,
      durationSeconds,
      rates,
      pairs,
      maxConnections,
      vegeta: { version: values.vegeta === undefined ? VEGETA_VERSION : 'given with --vegeta', path: vegeta },
      node: process.version,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      runs,
      ratios,
      warnings,
      verdicts,
      table: printed,
    };
    writeFileSync(values.out, `${JSON.stringify(document, null, 2)}\n`);
    process.stderr.write(`wrote ${values.out}\n`);
  }
  return runs.some((run) => run.not2xx > 0) ? 1 : 0;
}

let code: number;
try {
  code = await main();
} catch (error) {
  if (interrupted.signal.aborted) code = 130;
  else {
    process.stderr.write(`${(error as Error).message}\n`);
    code = 1;
  }
}
await cleanUp();
process.exit(code);
