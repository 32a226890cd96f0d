import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { contenders } from '../../../implementations/registry.js';
import { UsageError } from '../../errors.js';
import { isOneOf } from '../../json-input.js';
import { CLINIC_ANALYSIS_SECONDS } from '../../tuning.js';
import { CommandFlags, numberOf } from '../flags.js';
import { numberFlag } from '../options.js';
import { dirnameOfClinic, fallbackProfile, serveCommandLine } from '../profile-fallback.js';
import { checkRunDirectory, newRunId, runDirectory } from '../run-directory.js';

const TOOLS = ['doctor', 'flame', 'bubbleprof', 'heapprofiler'] as const;

const profileFlags = new CommandFlags(['impl', 'tool', 'duration', 'connections', 'capacity', 'out', 'help'], {
  impl: { value: 'NAME', help: 'the cache contender to serve (required)', defaultHelp: '' },
  duration: { default: '5', help: 'seconds of load' },
  connections: { default: '10', help: 'autocannon connections' },
  capacity: { default: '100000', help: 'read states cached' },
  out: { help: 'where the profile goes' },
});

export const profileHelp = `readstate-lab profile: clinic.js on the read-state service under load

Usage: readstate-lab profile --impl NAME --tool doctor|flame|bubbleprof|heapprofiler
                             [--duration S] [--connections N] [--capacity N] [--out DIR]

${profileFlags.help()}

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
  const values = profileFlags.parse(args, 'profile');
  if (values.help) {
    print(profileHelp);
    return 0;
  }
  const out = checkRunDirectory(values.out);
  if (values.impl === undefined || !contenders.some((c) => c.name === values.impl)) {
    throw new UsageError(`profile needs --impl with a cache contender: ${contenders.map((c) => c.name).join(', ')}`);
  }
  if (values.tool === undefined) throw new UsageError(`profile needs --tool: one of ${TOOLS.join(', ')}`);
  const tool = values.tool;
  if (!isOneOf(TOOLS, tool)) throw new UsageError(`--tool must be one of ${TOOLS.join(', ')}, got "${values.tool}"`);
  // Whole seconds up to an hour, at most 1000 connections: a profile's ranges, not a run's.
  const duration = numberFlag('duration', values.duration, { min: 1, max: 3600, integer: true, unit: 'seconds' })!;
  const connections = numberFlag('connections', values.connections, { min: 1, max: 1000, integer: true })!;
  const capacity = numberOf('capacity', values.capacity)!;
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
