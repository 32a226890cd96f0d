import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Results } from '../harness/results/schema.js';
import { createFreshTable, dropTable, readCassandraStates } from '../harness/store/cassandra-tables.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { labNodes, labTarget, skipWithoutLabNode } from './support/lab-cluster.js';
import { leaveTheLabNode, releaseTheLabNode, shareTheLabNode, takeTheLabNode } from './support/lab-node-lock.js';
import { call, type ServerProcess, startServer } from './support/server-process.js';

/**
 * --store cassandra end to end, against the lab's running cluster (readstate-lab cassandra
 * start). Without one the tests skip, saying so, except in CI, which starts one: there they fail.
 */
const alive = labNodes;
const skip = skipWithoutLabNode;
const BIG = 2 ** 50;

function rowsOf(out: string): Results['rows'] {
  return (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results).rows;
}

describe('--store cassandra: nothing lost, read back from Cassandra', { skip }, () => {
  // Other files freeze the node for a while; never during these.
  beforeEach(shareTheLabNode);
  afterEach(leaveTheLabNode);

  it('run --store cassandra with typed-array and naive-map reports nothing lost', async () => {
    const dir = tempDir('rsl-cassandra-run-');
    const out = join(dir, 'out');
    const { exitCode, stdout, stderr } = await runCli([
      'run',
      '--store',
      'cassandra',
      '--impl',
      'typed-array,naive-map',
      '--scenario',
      smallScenarioFile(dir),
      '--duration',
      '3',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, `${stdout}\n${stderr}`);
    const rows = rowsOf(out);
    assert.deepEqual(
      rows.map((row) => row.contender),
      ['typed-array', 'naive-map'],
    );
    for (const row of rows) {
      assert.equal(row.state, 'completed', JSON.stringify(row).slice(0, 300));
      if (row.state !== 'completed') continue;
      const { integrity, counters } = row.measurement;
      assert.equal(integrity.ok, true, JSON.stringify(integrity).slice(0, 400));
      assert.ok(integrity.statesChecked > 0, 'the check compared states');
      assert.ok(counters.writeBacks > 0, 'the cache wrote states back to Cassandra');
    }
  });

  it('a contender that drops one write-back fails the run, the check counting it lost', async () => {
    const dir = tempDir('rsl-cassandra-bug-');
    const example = readFileSync(fileURLToPath(new URL('../examples/my-cache.mjs', import.meta.url)), 'utf8');
    // The planted bug: the final flush skips the first dirty state it drains whose value differs
    // from the one it was inserted with (the table's, or fresh), which no later request can
    // rescue, so only a check that reads the table sees it. A dirty state whose value came back
    // to the table's (an ack of an older message with no mentions) would be no loss to drop.
    const planted = [
      [
        'entries.set(k, { ...copy(state), dirty: false });',
        'entries.set(k, { ...copy(state), dirty: false, loaded: [state.lastReadMessageId, state.mentionCount] });',
      ],
      [
        'for (const s of due) { s.dirty = false; sink(copy(s)); }',
        'for (const s of due) { s.dirty = false; const changed = s.lastReadMessageId !== s.loaded[0] || s.mentionCount !== s.loaded[1]; if (olderThan !== Infinity || !changed || dropped++ > 0) sink(copy(s)); }',
      ],
    ] as const;
    let buggy = example;
    for (const [from, to] of planted) {
      assert.ok(buggy.includes(from), `the planted bug applies to the example as it is: ${from}`);
      buggy = buggy.replace(from, to);
    }
    const path = join(dir, 'drops-one-write.mjs');
    writeFileSync(path, `let dropped = 0;\n${buggy}`);
    const out = join(dir, 'out');
    // Write-backs fall due only after an hour of scenario time, so the final flush has dirty states to drop.
    const scenario = smallScenarioFile(dir, { writeBackDelaySeconds: 3600 });
    const { exitCode, stdout } = await runCli(['run', '--store', 'cassandra', '--impl', path, '--scenario', scenario, '--out', out]);
    assert.equal(exitCode, 1, stdout);
    const [row] = rowsOf(out);
    assert.equal(row?.state, 'completed');
    if (row?.state !== 'completed') return;
    const { integrity } = row.measurement;
    assert.equal(integrity.ok, false);
    assert.equal(integrity.lostCount, 1, JSON.stringify(integrity).slice(0, 400));
    assert.ok(integrity.mismatches.some((m) => m.where === 'not in store' || m.where === 'store'));
  });
});

describe('--store cassandra with the node frozen: nothing acknowledged lost', { skip }, () => {
  // The freeze must not fall on another file's test of the same node.
  beforeEach(takeTheLabNode);
  afterEach(releaseTheLabNode);

  it('a node frozen mid-load (SIGSTOP for 3 s): serve answers 503 or waits, and every acknowledged ack is in the table', async (t) => {
    const pid = alive[0]?.pid;
    assert.ok(pid !== undefined, 'the running node has a pid');
    const target = await createFreshTable(labTarget(), 'freeze');
    let server: ServerProcess | undefined;
    let frozen = false;
    const thaw = (): void => {
      if (frozen) process.kill(pid, 'SIGCONT');
      frozen = false;
    };
    process.once('exit', thaw);
    try {
      // A tiny cache: acks of new keys evict dirty states, so write-backs reach Cassandra at once.
      server = await startServer(['--impl', 'typed-array', '--capacity', '8', '--store', 'cassandra', '--db', target.table, '--gc-mode', 'none']);
      const acknowledged = new Map<number, number>();
      const statuses = new Map<number, number>();
      let afterThaw = 0;
      /** Requests sent while the node was frozen that were refused (503) or waited a second or more. */
      let refusedOrWaited = 0;
      const started = Date.now();
      for (let n = 1; Date.now() - started < 9_000; n++) {
        const elapsed = Date.now() - started;
        if (!frozen && elapsed >= 2_000 && elapsed < 5_000) {
          process.kill(pid, 'SIGSTOP');
          frozen = true;
          // Woken by a timer too, so that a request that hangs cannot leave the lab's node frozen.
          setTimeout(thaw, 3_000).unref();
        } else if (frozen && elapsed >= 5_000) {
          thaw();
        }
        const user = (n % 200) + 1;
        const sent = Date.now();
        const sentFrozen = frozen;
        const { status, json } = await call(server.url, 'POST', '/acks', { userId: user, channelId: 1, messageId: BIG + n });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (sentFrozen && (status === 503 || Date.now() - sent >= 1_000)) refusedOrWaited++;
        if (status === 200) {
          acknowledged.set(user, BIG + n);
          if (!frozen && elapsed >= 5_000) afterThaw++;
        } else {
          assert.equal(status, 503, JSON.stringify(json));
          assert.match(json.error, /store failing/);
        }
      }
      thaw();
      assert.ok(refusedOrWaited > 0, `the frozen node held the service up: ${JSON.stringify([...statuses])}`);
      assert.ok(afterThaw > 0, `acks were answered again after the node woke: ${JSON.stringify([...statuses])}`);
      const stopped = await server.stop();
      assert.equal(stopped.exitCode, 0, stopped.output);
      const stored = new Map(
        (await readCassandraStates(target)).filter((state) => state.channelId === 1).map((state) => [state.userId, state.lastReadMessageId]),
      );
      for (const [user, messageId] of acknowledged) {
        assert.ok(
          (stored.get(user) ?? 0) >= messageId,
          `user ${user}'s acknowledged ack ${messageId - BIG} is in the table (found ${(stored.get(user) ?? BIG) - BIG})`,
        );
      }
    } finally {
      thaw();
      process.removeListener('exit', thaw);
      await server?.stop().catch(() => {});
      await dropTable(target).catch((error: Error) => t.diagnostic(`could not drop ${target.table}: ${error.message}`));
    }
  });
});
