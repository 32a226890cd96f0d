import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { runHttpLoad } from '../drive/closed-loop-load.js';
import { waitForListening } from '../drive/serve-listening.js';
import { childEntry } from '../entry-points.js';
import { UsageError } from '../errors.js';
import { SERVE_START_TIMEOUT_MS } from '../tuning.js';
import { loadScenario } from '../workload/scenario.js';
import { Workload } from '../workload/workload.js';

/** The node command line that serves `contender` on a free port of 127.0.0.1. */
export function serveCommandLine(contender: string, capacity: number): string[] {
  const entry = childEntry(import.meta.url, './main.js');
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

export function dirnameOfClinic(): string {
  return resolve(createRequire(import.meta.url).resolve('clinic/package.json'), '..');
}

/** Node's own profiler: serve with --cpu-prof (or --heap-prof), loaded with the scenario's mix. */
export async function fallbackProfile(
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
