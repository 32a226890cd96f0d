import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { readDatabaseStates } from '../harness/store/read-database.js';
import { referenceExecutable, referenceUnavailableReason } from '../implementations/reference-services.js';
import { call, type ServerProcess, startReference, startServer } from './support/server-process.js';

/**
 * Issue 25: on SIGTERM every service stops accepting, gives requests in flight their deadline,
 * closes every connection (an upload that stalled too), writes back every dirty read state and
 * exits 0, whatever a client does. `serve` used to wait for the stalled upload, reject its own
 * deadline, never exit, and lose the ack it had answered 200 to.
 */

const cli = fileURLToPath(new URL('../harness/cli/main.ts', import.meta.url));
const BIG = 2 ** 50 + 3;
/** Each service's shutdown deadline (10 s; Go and Rust give requests 10 s, then the store 10 s more) plus a margin. */
const EXIT_WITHIN_MS = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'rsl-sigterm-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// An hour of write-back delay at time scale 1: the ack can only reach the file through the
// write-back every service owes at shutdown, not through the periodic one.
const scenario = join(dir, 'long-write-back.json');
writeFileSync(
  scenario,
  JSON.stringify({
    ...JSON.parse(readFileSync(fileURLToPath(new URL('../scenarios/discord-2min.json', import.meta.url)), 'utf8')),
    name: 'long-write-back',
    timeScale: 1,
    forcedGc: null,
    writeBackDelaySeconds: 3600,
  }),
);

interface Service {
  readonly name: string;
  /** Why it cannot run here, or undefined. */
  readonly skip: string | undefined;
  start(db: string): Promise<ServerProcess>;
  /** Runs it with this --db, expecting it to refuse before listening. */
  refuse(db: string): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
}

const services: readonly Service[] = [
  {
    name: 'readstate-lab serve (typed-array)',
    skip: undefined,
    start: (db) => startServer(['--impl', 'typed-array', '--capacity', '1000', '--db', db, '--scenario', scenario]),
    refuse: (db) => refused(process.execPath, ['--import', 'tsx', cli, 'serve', '--impl', 'typed-array', '--port', '0', '--gc-mode', 'none', '--db', db]),
  },
  ...['go-lru', 'go-lru-go1.19', 'rust-btree'].map(
    (binary): Service => ({
      name: binary,
      skip: referenceUnavailableReason(binary, 'its toolchain'),
      start: (db) => startReference(binary, ['--capacity', '1000', '--db', db, '--write-back-delay-ms', '3600000']),
      refuse: (db) => refused(referenceExecutable(binary), ['--host', '127.0.0.1', '--port', '0', '--capacity', '10', '--db', db]),
    }),
  ),
];

async function refused(file: string, args: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await execa(file, args, { reject: false, stdin: 'ignore', timeout: 30_000 });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** Opens a connection and sends a POST that declares 100 bytes of body but sends only 10. */
async function stallAnUpload(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {}); // the server closing it is the point
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(`POST /acks HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"userId":`);
  // Long enough for the server to have read the headers and be waiting for the body.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return socket;
}

/** Resolves with how the process ended, or kills it and rejects after `ms`. */
async function exitWithin(server: ServerProcess, ms: number): Promise<{ exitCode: number | undefined; signal: string | undefined; output: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      server.process.kill('SIGKILL');
      reject(new Error(`still running ${ms / 1000} s after SIGTERM (killed)`));
    }, ms);
  });
  try {
    const result = await Promise.race([server.process, late]);
    return { exitCode: result.exitCode, signal: result.signal, output: String(result.all ?? '') };
  } finally {
    clearTimeout(timer);
  }
}

describe('SIGTERM with an upload stalled mid-body: every service exits 0 by its deadline and keeps the ack', { concurrency: true }, () => {
  for (const service of services)
    it(service.name, { timeout: 60_000 }, async (t) => {
      if (service.skip !== undefined) {
        t.skip(service.skip);
        return;
      }
      const db = join(dir, `${service.name.replace(/\W+/g, '-')}.sqlite`);
      const server = await service.start(db);
      let stalled: Socket | undefined;
      try {
        const ack = await call(server.url, 'POST', '/acks', { userId: 4100, channelId: 25, messageId: BIG });
        assert.equal(ack.status, 200, JSON.stringify(ack.json));
        stalled = await stallAnUpload(server.url);
        const signalled = Date.now();
        server.process.kill('SIGTERM');
        // A second signal must not cut the write-back short.
        setTimeout(() => server.process.kill('SIGTERM'), 1_000).unref();
        const ended = await exitWithin(server, EXIT_WITHIN_MS);
        assert.equal(ended.exitCode, 0, `exit ${ended.exitCode ?? ended.signal} after ${Date.now() - signalled} ms:\n${ended.output}`);
        assert.doesNotMatch(ended.output, /unhandled|\n\s+at /i, 'no unhandled rejection, no stack trace');
        const stored = readDatabaseStates(db).find((state) => state.userId === 4100 && state.channelId === 25);
        assert.equal(stored?.lastReadMessageId, BIG, 'the acknowledged ack is in the SQLite file');
      } finally {
        stalled?.destroy();
        if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGKILL');
      }
    });
});

describe('a --db that cannot be the SQLite file: one line naming it, exit 2, never listening', { concurrency: true }, () => {
  const folder = join(dir, 'a-folder.sqlite');
  mkdirSync(folder);
  const missing = join(dir, 'no', 'such', 'folder', 'x.sqlite');
  for (const service of services)
    it(service.name, { timeout: 60_000 }, async (t) => {
      if (service.skip !== undefined) {
        t.skip(service.skip);
        return;
      }
      for (const [db, message] of [
        ['', /--db must name a file, got an empty string/],
        [folder, /--db \S*a-folder\.sqlite is a folder/],
        [missing, /\S*no\/such\/folder\/x\.sqlite: its folder \S+ does not exist/],
      ] as const) {
        const result = await service.refuse(db);
        const what = `--db '${db}'`;
        assert.equal(result.exitCode, 2, `${what}: exit ${result.exitCode}\n${result.stderr}`);
        assert.match(result.stderr, message, what);
        assert.equal(result.stderr.trim().split('\n').length, 1, `one line for ${what}: ${result.stderr}`);
        assert.doesNotMatch(result.stdout + result.stderr, /listening/, `never listening for ${what}`);
      }
    });
});
