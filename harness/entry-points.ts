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
 * named by its full URL, so the child finds it whatever folder it starts in. Compiled, a child's
 * stack trace names the .ts line through dist/'s source maps, except in a `measured` child (one
 * row of a run): Node keeps every loaded module's source map on the heap (0.7 MiB for a row's
 * modules), which each forced GC of the row would mark, and a row reports its failures as one
 * line, never a stack.
 */
export function childEntry(callerUrl: string, relativePath: string, { measured = false } = {}): { file: string; execArgv: string[] } {
  const execArgv = fromSource(callerUrl) ? ['--import', import.meta.resolve('tsx')] : measured ? [] : ['--enable-source-maps'];
  return { file: siblingPath(callerUrl, relativePath), execArgv };
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
