import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisServerExecutable } from '../../implementations/redis-server.js';

/**
 * Whether the server writes RDB snapshots: 'none' (the lab's default: the cache is a cache, the
 * SQLite store is the database) or 'rdb', a snapshot every second or two under writes, so that a
 * run shows what the fork of a large Redis process costs the requests waiting on it.
 */
export type RedisPersistence = 'none' | 'rdb';

/** How long redis-server may take to say it accepts connections. */
const START_TIMEOUT_MS = 15_000;
/** How long it may take to exit after SIGTERM (no snapshot to write); then SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;
/** A free port can be taken by someone else between our probe and redis' bind: try again. */
const START_ATTEMPTS = 3;

/**
 * The configuration, as redis-server command-line arguments. Stated in full so the report can
 * say exactly what was measured: loopback only, no client-side eviction by Redis (the lab's
 * scripts keep the exact LRU; `noeviction` makes a full server an error, never a silent loss),
 * no append-only file, and RDB snapshots only in the 'rdb' variant.
 */
export function redisArguments(persistence: RedisPersistence): string[] {
  return [
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--maxmemory',
    '0',
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    'no',
    '--save',
    // "1 1": snapshot when at least 1 key changed and 1 s passed since the last one. Redis checks
    // once per cron tick, so under steady writes it forks about every 1-2 s.
    persistence === 'rdb' ? '1 1' : '',
    '--stop-writes-on-bgsave-error',
    'no',
    '--io-threads',
    '1',
    '--loglevel',
    'notice',
    '--logfile',
    '',
    '--daemonize',
    'no',
  ];
}

/** A redis-server the lab started, on 127.0.0.1. */
export interface RunningRedis {
  readonly port: number;
  readonly pid: number;
  /** The arguments it runs with after the port and folder, for the report. */
  readonly configuration: readonly string[];
  /** Rejects if the server exits before stop() is called. Never resolves. */
  readonly died: Promise<never>;
  /** SIGTERM, waits for the exit (SIGKILL after a deadline), and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server on a free loopback port, in a folder of its own (where an RDB snapshot
 * goes). It is started through `setpriv --pdeathsig KILL` where that exists, so a measuring
 * child that is killed (a crashed row, a timeout) cannot leave a server behind.
 */
export async function startRedisServer(persistence: RedisPersistence): Promise<RunningRedis> {
  const executable = redisServerExecutable();
  if (executable === undefined) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freeLoopbackPort();
    const dir = mkdtempSync(join(tmpdir(), 'readstate-lab-redis-'));
    const configuration = redisArguments(persistence);
    const args = [executable, '--port', String(port), '--dir', dir, '--dbfilename', 'dump.rdb', ...configuration];
    const setpriv = '/usr/bin/setpriv';
    const child = canUse(setpriv)
      ? spawn(setpriv, ['--pdeathsig', 'KILL', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await readyOrExit(child, START_TIMEOUT_MS);
    } catch (error) {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      lastError = error instanceof Error ? error : new Error(String(error));
      if (!/in use/i.test(lastError.message)) break;
      continue;
    }
    let stopping = false;
    const died = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        if (!stopping) reject(new Error(`redis-server exited unexpectedly (${signal ?? `code ${code}`})`));
      });
    });
    died.catch(() => {});
    return {
      port,
      pid: child.pid!,
      configuration,
      died,
      stop: async () => {
        stopping = true;
        await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`redis-server did not start: ${lastError?.message ?? 'unknown error'}`);
}

/** setpriv is util-linux; without it the server still runs, only without the parent-death guard. */
function canUse(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the server logs that it accepts connections; rejects with its last line if it exits first. */
function readyOrExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs / 1000} s: ${lastLine(output)}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? `code ${code}`}) before it was ready: ${lastLine(output)}`));
    });
  });
}

function lastLine(output: string): string {
  return (
    output
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .pop() ?? ''
  );
}

/** SIGTERM, then SIGKILL if it has not exited by the deadline; resolves once it has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A port nothing listens on now, found by binding port 0 on 127.0.0.1 and closing it. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
