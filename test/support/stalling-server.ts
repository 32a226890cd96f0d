import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { distFile } from './dist.js';

/**
 * A trivial HTTP server for load-driver tests, run in a child process of its own (a stall must
 * block the server, not the driver): every route answers 200 {"ok":true}, except GET /stats
 * (404, so drivers take it for a service without stats) and, when `hangPrefix` is set, paths
 * starting with it, which are never answered. With `stallMs`, a busy loop blocks its event loop
 * for that long every `periodMs`, as a long GC pause would.
 */
export interface StallingServerOptions {
  readonly stallMs?: number;
  readonly periodMs?: number;
  readonly hangPrefix?: string;
}

export interface StallingServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startStallingServer(options: StallingServerOptions = {}): Promise<StallingServer> {
  // This file's compiled twin: a child through tsx would transpile first, about a second each.
  const self = distFile('test/support/stalling-server.ts');
  const args = ['--enable-source-maps', self, String(options.stallMs ?? 0), String(options.periodMs ?? 0), options.hangPrefix ?? ''];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`stalling server did not start: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stalling server exited (${code}) before listening: ${output}`));
    });
  });
  return { url, stop: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

function serve(stallMs: number, periodMs: number, hangPrefix: string): void {
  const ok = '{"ok":true}';
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (hangPrefix !== '' && url.startsWith(hangPrefix)) {
      request.resume();
      return; // never answered
    }
    request.on('end', () => {
      if (url === '/stats') {
        response.writeHead(404, { 'content-type': 'application/json', 'content-length': 2 });
        response.end('{}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': ok.length });
      response.end(ok);
    });
    request.resume();
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
  });
  if (stallMs > 0 && periodMs > 0) {
    // Stall k starts at start + k * periodMs exactly (setInterval would add each stall to the period).
    const start = performance.now();
    let k = 1;
    const stall = (): void => {
      const until = performance.now() + stallMs;
      while (performance.now() < until);
      while (start + k * periodMs <= performance.now()) k++;
      setTimeout(stall, start + k * periodMs - performance.now());
    };
    setTimeout(stall, periodMs);
  }
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [stallMs = '0', periodMs = '0', hangPrefix = ''] = process.argv.slice(2);
  serve(Number(stallMs), Number(periodMs), hangPrefix);
}
