import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { contenders } from '../../../implementations/registry.js';
import { runHttpLoad } from '../../drive/closed-loop-load.js';
import { waitForListening } from '../../drive/serve-listening.js';
import { childEntry } from '../../entry-points.js';
import { UsageError } from '../../errors.js';
import { CLINIC_ANALYSIS_SECONDS, SERVE_START_TIMEOUT_MS } from '../../tuning.js';
import { loadScenario } from '../../workload/scenario.js';
import { Workload } from '../../workload/workload.js';
import { numberFlag, parseFlags } from '../options.js';
import { checkRunDirectory, newRunId, runDirectory } from '../run-directory.js';

const TOOLS = ['doctor', 'flame', 'bubbleprof', 'heapprofiler'] as const;
type Tool = (typeof TOOLS)[number];

export const profileHelp = `readstate-lab profile: clinic.js on the read-state service under load

Usage: readstate-lab profile --impl NAME --tool doctor|flame|bubbleprof|heapprofiler
                             [--duration S] [--connections N] [--capacity N] [--out DIR]

  --impl NAME      the cache contender to serve (required)
  --tool TOOL      the clinic tool (required): doctor, flame, bubbleprof or heapprofiler
  --duration S     seconds of load (default 5)
  --connections N  autocannon connections (default 10)
  --capacity N     read states cached (default 100000)
  --out DIR        where the profile goes (default reports/<run-id>/)

Runs 'readstate-lab serve --impl NAME' under clinic (v13) with an autocannon load of
GET /read-states (the hot path) and prints where clinic's HTML went. clinic is no longer
maintained and its reports do not generate on Node 21.7 or later (node-clinic issue 480): there,
and wherever clinic fails, this says so in one line and uses Node's own profiler instead
(--cpu-prof, or --heap-prof for heapprofiler) under the scenario's request mix. It prints where
the .cpuprofile or .heapprofile went: open a .cpuprofile in Chrome DevTools (Performance tab,
"Load profile"), a .heapprofile in its Memory tab ("Load"); VS Code opens both.`;

/**
 * clinic's reports need Node's old trace-events output, which changed in Node 21.7 (node-clinic
 * issue 480): from there on it runs the load and then writes no report.
 */
export function clinicWorksOn(nodeVersion: string): boolean {
  const [major = 0, minor = 0] = nodeVersion.replace(/^v/, '').split('.').map(Number);
  return major < 21 || (major === 21 && minor < 7);
}

export async function profileCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      impl: { type: 'string' },
      tool: { type: 'string' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      capacity: { type: 'string', default: '100000' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
    'profile',
  );
  if (values.help) {
    print(profileHelp);
    return 0;
  }
  const out = checkRunDirectory(values.out);
  if (values.impl === undefined || !contenders.some((c) => c.name === values.impl)) {
    throw new UsageError(`profile needs --impl with a cache contender: ${contenders.map((c) => c.name).join(', ')}`);
  }
  if (values.tool === undefined) throw new UsageError(`profile needs --tool: one of ${TOOLS.join(', ')}`);
  const tool = values.tool as Tool;
  if (!TOOLS.includes(tool)) throw new UsageError(`--tool must be one of ${TOOLS.join(', ')}, got "${values.tool}"`);
  const duration = numberFlag('duration', values.duration, { min: 1, max: 3600, integer: true, unit: 'seconds' })!;
  const connections = numberFlag('connections', values.connections, { min: 1, max: 1000, integer: true })!;
  const capacity = numberFlag('capacity', values.capacity, { min: 1, max: 2 ** 31 - 1, integer: true })!;
  const dir = runDirectory(newRunId(`profile-${tool}-${values.impl}`), out);
  const serve = serveCommandLine(values.impl, capacity);

  const fallback = tool === 'heapprofiler' ? '--heap-prof' : '--cpu-prof';
  if (!clinicWorksOn(process.version)) {
    print(`clinic ${tool} cannot write its report on Node ${process.version} (21.7 or later; node-clinic issue 480): using node ${fallback} instead`);
    return fallbackProfile(values.impl, capacity, duration, connections, tool === 'heapprofiler', dir, print);
  }
  const clinic = join(dirnameOfClinic(), 'bin.js');
  print(`clinic ${tool}: ${values.impl}, ${connections} connections for ${duration} s`);
  // clinic starts the server as a child of its own: on a time-out the whole process group goes,
  // or the orphaned server would hold the output pipe open. It runs in the output folder, where
  // it leaves its trace files and where no earlier run's trace files stop it.
  const run = execa(
    process.execPath,
    [
      clinic,
      tool,
      '--open=false',
      '--dest',
      dir,
      '--autocannon',
      '[',
      '-c',
      String(connections),
      '-d',
      String(duration),
      '/read-states/1/1',
      ']',
      '--',
      ...serve,
    ],
    { reject: false, all: true, stdin: 'ignore', env: { NO_INSIGHT: '1' }, detached: true, cwd: dir },
  );
  const timer = setTimeout(
    () => {
      if (run.pid !== undefined) process.kill(-run.pid, 'SIGKILL');
    },
    (duration + CLINIC_ANALYSIS_SECONDS) * 1000,
  );
  const result = await run;
  clearTimeout(timer);
  writeFileSync(join(dir, 'clinic.log'), result.all ?? '');
  const html = /Generated HTML file is (?:file:\/\/)?(\S+\.html)/.exec(result.all ?? '')?.[1];
  if (result.exitCode === 0 && html !== undefined) {
    print(`wrote ${html}`);
    return 0;
  }
  const why =
    result.signal === 'SIGKILL'
      ? `no report after ${duration + CLINIC_ANALYSIS_SECONDS} s`
      : ((result.all ?? '')
          .trim()
          .split('\n')
          .filter((line) => line.trim() !== '')
          .pop() ?? `exit ${result.exitCode}`);
  print(`clinic ${tool} failed (${why.slice(0, 200)}; see ${join(dir, 'clinic.log')}); falling back to node ${fallback}`);
  return fallbackProfile(values.impl, capacity, duration, connections, tool === 'heapprofiler', dir, print);
}

/** The node command line that serves `contender` on a free port of 127.0.0.1. */
function serveCommandLine(contender: string, capacity: number): string[] {
  const entry = childEntry(import.meta.url, '../main.js');
  return [
    'node',
    '--expose-gc',
    ...entry.execArgv,
    entry.file,
    'serve',
    '--impl',
    contender,
    '--port',
    '0',
    '--capacity',
    String(capacity),
    '--warm',
    '--gc-mode',
    'none',
  ];
}

function dirnameOfClinic(): string {
  return resolve(createRequire(import.meta.url).resolve('clinic/package.json'), '..');
}

/** Node's own profiler: serve with --cpu-prof (or --heap-prof), loaded with the scenario's mix. */
async function fallbackProfile(
  contender: string,
  capacity: number,
  duration: number,
  connections: number,
  heap: boolean,
  dir: string,
  print: (line: string) => void,
): Promise<number> {
  const [, ...serve] = serveCommandLine(contender, capacity);
  const flag = heap ? ['--heap-prof', '--heap-prof-dir', dir] : ['--cpu-prof', '--cpu-prof-dir', dir];
  const server = execa(process.execPath, [...flag, ...serve], { reject: false, all: true, stdin: 'ignore' });
  const url = await waitForListening(server, SERVE_START_TIMEOUT_MS).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const scenario = { ...loadScenario('discord-2min'), capacity };
  const rate = 1000;
  const log = new Workload(scenario, scenario.seed).generate(rate * duration, rate, scenario.seed);
  await runHttpLoad({ url, log, rate, connections, windowMs: 1000, timeoutSeconds: 10 });
  server.kill('SIGTERM');
  await server;
  const written = readdirSync(dir).filter((file) => file.endsWith(heap ? '.heapprofile' : '.cpuprofile'));
  if (written.length === 0) {
    print('no profile was written');
    return 1;
  }
  for (const file of written) print(`wrote ${join(dir, file)}`);
  print(
    heap
      ? 'open it in Chrome DevTools: Memory tab, "Load" (or in VS Code); it shows where the heap was allocated, by function'
      : 'open it in Chrome DevTools: Performance tab, "Load profile" (or in VS Code); it shows where the CPU time went, by function',
  );
  return 0;
}
