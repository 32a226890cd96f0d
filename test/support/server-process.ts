import { execa, type ResultPromise } from 'execa';
import { waitForListening } from '../../harness/drive/serve-listening.js';
import { referenceExecutable } from '../../implementations/reference-services.js';
import { cliArgs } from './cli.js';

/** A real service process on 127.0.0.1: `readstate-lab serve` (compiled, see cliArgs), or a reference service. */
export interface ServerProcess {
  readonly url: string;
  readonly process: ResultPromise;
  /** Sends SIGTERM and waits: the exit code and all it printed. */
  stop(): Promise<{ exitCode: number | undefined; output: string }>;
}

export function startServer(args: readonly string[]): Promise<ServerProcess> {
  return startProcess(process.execPath, cliArgs(['serve', '--port', '0', ...args]));
}

/** A reference service of references/ (built into references/build/) on 127.0.0.1. */
export function startReference(binary: string, args: readonly string[]): Promise<ServerProcess> {
  return startProcess(referenceExecutable(binary), ['--host', '127.0.0.1', '--port', '0', ...args]);
}

async function startProcess(file: string, args: readonly string[]): Promise<ServerProcess> {
  const child = execa(file, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    // A server has 10 s to shut down (harness/tuning.ts SHUTDOWN_DEADLINE_MS); execa's default
    // would kill it after 5.
    forceKillAfterDelay: 30_000,
  });
  const url = await waitForListening(child, 30_000);
  return {
    url,
    process: child,
    stop: async () => {
      child.kill('SIGTERM');
      const result = await child;
      return { exitCode: result.exitCode, output: result.all ?? '' };
    },
  };
}

export async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}
