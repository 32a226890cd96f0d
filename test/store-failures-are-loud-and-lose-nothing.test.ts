import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { cliArgs, tempDir } from './support/cli.js';
import { call, startServer } from './support/server-process.js';

const BIG = 2 ** 50;

/** `serve` with these flags, expected to fail before listening. */
async function serveFails(args: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const result = await execa(process.execPath, cliArgs(['serve', '--impl', 'typed-array', '--gc-mode', 'none', ...args]), {
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('serve: store failures are loud, and nothing acknowledged is lost', () => {
  const dir = tempDir('rsl-store-faults-');
  const corrupt = join(dir, 'corrupt.sqlite');
  writeFileSync(corrupt, 'this is not a database, it only has the name of one'.repeat(100));
  mkdirSync(join(dir, 'a-folder.sqlite'));
  // A path that cannot be a file is bad input (exit 2, checked before anything starts; every
  // service's cases are in sigterm-with-a-stalled-upload-keeps-the-ack.test.ts); a file SQLite
  // cannot use is a store failure (exit 1).
  for (const [what, db, message, code] of [
    ['a folder', join(dir, 'a-folder.sqlite'), /--db .*a-folder\.sqlite is a folder/, 2],
    ['a file in a missing folder', join(dir, 'no', 'such', 'folder', 'x.sqlite'), /its folder .* does not exist/, 2],
    ['a file that is not a database', corrupt, /the store .*corrupt\.sqlite cannot be used: .*not a database/, 1],
  ] as const) {
    it(`refuses --db naming ${what}: one line, exit ${code}, never listening`, async () => {
      const result = await serveFails(['--port', '0', '--db', db]);
      assert.equal(result.exitCode, code, result.stderr);
      assert.doesNotMatch(result.stdout, /listening/);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    });
  }

  it('refuses a port in use: one line, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await serveFails(['--port', String(port), '--db', join(dir, 'port.sqlite')]);
      assert.equal(result.exitCode, 1, result.stderr);
      assert.match(result.stderr, /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    } finally {
      blocker.close();
    }
  });

  it('refuses an empty --host instead of binding every interface', async () => {
    const result = await serveFails(['--host', '', '--db', join(dir, 'host.sqlite')]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /--host must name an address/);
  });

  it('while another process locks the database: 503 for writes and /health, retries, then every acknowledged ack is stored', async () => {
    const db = join(dir, 'locked.sqlite');
    // A tiny cache: acks of new keys evict dirty states, so write-backs happen at once.
    const server = await startServer(['--impl', 'typed-array', '--capacity', '4', '--db', db, '--gc-mode', 'none']);
    const locker = new Database(db, { timeout: 5_000 });
    try {
      assert.equal((await call(server.url, 'GET', '/health')).status, 200);
      locker.exec('BEGIN EXCLUSIVE');
      const acknowledged = new Map<number, number>();
      let refused = 0;
      for (let user = 1; user <= 40; user++) {
        const { status, json } = await call(server.url, 'POST', '/acks', { userId: user, channelId: 1, messageId: BIG + user });
        if (status === 200) acknowledged.set(user, BIG + user);
        else {
          assert.equal(status, 503, JSON.stringify(json));
          assert.match(json.error, /store failing/);
          refused++;
        }
      }
      await until(async () => (await call(server.url, 'GET', '/health')).status === 503, 'health to report the failing store');
      assert.ok(refused > 0, 'writes are refused while the store cannot persist');
      assert.ok(acknowledged.size >= 4, 'acks that fit in the cache were answered before the failure showed');
      locker.exec('COMMIT');
      await until(async () => (await call(server.url, 'GET', '/health')).status === 200, 'the store to recover');
      const stats = await call(server.url, 'GET', '/stats');
      assert.equal(stats.json.counters.persisted, stats.json.counters.writeBacks, 'every state handed to the store was committed after recovery');
      const stopped = await server.stop();
      assert.equal(stopped.exitCode, 0, stopped.output);
      assert.equal(stopped.output.match(/store failing/g)?.length, 1, `the failure is logged once:\n${stopped.output}`);
      assert.match(stopped.output, /store recovered/);
      const stored = new Map(
        (
          locker.prepare('SELECT user_id AS user, last_read_message_id AS lastRead FROM read_states WHERE channel_id = 1').all() as Array<{
            user: number;
            lastRead: number;
          }>
        ).map((row) => [row.user, row.lastRead]),
      );
      for (const [user, messageId] of acknowledged) assert.equal(stored.get(user), messageId, `user ${user}'s acknowledged ack`);
    } finally {
      if (locker.inTransaction) locker.exec('ROLLBACK');
      locker.close();
      await server.stop().catch(() => {});
    }
  });

  it('on SIGTERM with the database still locked, says how many states it could not write and exits 1 by the deadline', async () => {
    const db = join(dir, 'stuck.sqlite');
    const server = await startServer(['--impl', 'typed-array', '--capacity', '100', '--db', db, '--gc-mode', 'none']);
    const locker = new Database(db, { timeout: 5_000 });
    try {
      for (let user = 1; user <= 5; user++) {
        assert.equal((await call(server.url, 'POST', '/acks', { userId: user, channelId: 2, messageId: BIG })).status, 200);
      }
      locker.exec('BEGIN EXCLUSIVE');
      const started = Date.now();
      const stopped = await server.stop();
      assert.equal(stopped.exitCode, 1, stopped.output);
      assert.match(stopped.output, /could not write 5 read states/);
      assert.ok(Date.now() - started < 20_000, 'the shutdown deadline holds');
    } finally {
      if (locker.inTransaction) locker.exec('ROLLBACK');
      locker.close();
    }
  });
});
