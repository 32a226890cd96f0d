import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starting another harness module in a new process or thread. The lab runs compiled from
 * `dist/` (the CLI) or from its TypeScript sources through tsx (tests); a sibling module is the
 * `.js` file in the first case and the `.ts` file, loaded through tsx, in the second.
 */
function fromSource(callerUrl: string): boolean {
  return callerUrl.endsWith('.ts');
}

function siblingPath(callerUrl: string, relativePath: string): string {
  const path = fromSource(callerUrl) ? relativePath.replace(/\.js$/, '.ts') : relativePath;
  return fileURLToPath(new URL(path, callerUrl));
}

/**
 * The file and node flags that run a sibling module as a child process's entry point. tsx is
 * named by its full URL, so the child finds it whatever folder it starts in.
 */
export function childEntry(callerUrl: string, relativePath: string): { file: string; execArgv: string[] } {
  // Compiled, a child's stack trace names the .ts line through dist/'s source maps.
  return { file: siblingPath(callerUrl, relativePath), execArgv: fromSource(callerUrl) ? ['--import', import.meta.resolve('tsx')] : ['--enable-source-maps'] };
}

/**
 * Starts a sibling module as a worker thread. On Node 20 a worker ignores `--import tsx` in its
 * execArgv, so from source the worker first registers tsx itself, then imports the module.
 */
export function startWorker(callerUrl: string, relativePath: string, options: WorkerOptions): Worker {
  const file = siblingPath(callerUrl, relativePath);
  // Bun and Deno run TypeScript themselves (harness/runtimes/launch.ts): tsx would only get in
  // the way of the modules the worker imports later.
  if (!fromSource(callerUrl) || runsTypeScriptItself()) return new Worker(file, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const target = pathToFileURL(file).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function runsTypeScriptItself(): boolean {
  return 'Bun' in globalThis || 'Deno' in globalThis;
}
