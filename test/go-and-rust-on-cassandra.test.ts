import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { execa } from 'execa';
import { clusterStatus } from '../harness/cassandra/cluster.js';
import type { CompletedRow, Results } from '../harness/results/schema.js';
import { referenceExecutable, referenceUnavailableReason } from '../implementations/reference-services.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { leaveTheLabNode, shareTheLabNode } from './support/lab-node-lock.js';

/**
 * go-lru (gocql) and rust-btree (the scylla crate) keep their read states in the lab's running
 * Cassandra (readstate-lab cassandra start) under `load --store cassandra`, and the nothing-lost
 * check reads each service's table back. Without a node the tests skip, saying so, except in CI,
 * which starts one: there they fail.
 */
const alive = clusterStatus()?.members.filter((member) => member.alive) ?? [];
const skip = alive.length > 0 || process.env.CI === 'true' ? false : 'no Cassandra is running (readstate-lab cassandra start); CI starts one';

/** Why the test cannot run here (a reference program not built), or undefined. */
function unbuilt(...binaries: string[]): string | undefined {
  const missing = binaries.filter((binary) => referenceUnavailableReason(binary, '') !== undefined);
  return missing.length === 0 ? undefined : `${missing.join(', ')} not built (npm run build:references)`;
}

describe('go-lru and rust-btree on Cassandra', { skip }, () => {
  const dir = tempDir('rsl-go-rust-cassandra-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  // Other files freeze the node for a while; never during these.
  beforeEach(shareTheLabNode);
  afterEach(leaveTheLabNode);

  it('load --store cassandra runs Go, Rust and typed-array against one cluster, each checked against its table', async (t) => {
    if (alive.length === 0) assert.fail('no Cassandra is running, and CI starts one (readstate-lab cassandra start)');
    const why = unbuilt('go-lru', 'rust-btree');
    if (why !== undefined) return t.skip(why);
    const out = join(dir, 'load');
    const impls = ['go-lru', 'rust-btree', 'typed-array'];
    const args = ['load', '--store', 'cassandra', '--impl', impls.join(','), '--scenario', smallScenarioFile(dir), '--duration', '3'];
    const { exitCode, stdout, stderr } = await runCli([...args, '--out', out]);
    assert.equal(exitCode, 0, `${stderr}\n${stdout}`);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(
      results.rows.map((row) => [row.contender, row.state]),
      impls.map((name) => [name, 'completed']),
    );
    for (const row of results.rows as CompletedRow[]) {
      const { integrity, counters } = row.measurement;
      assert.equal(integrity.ok, true, `${row.contender}: ${JSON.stringify(integrity).slice(0, 400)}`);
      assert.ok(integrity.statesChecked > 0, `${row.contender}: the check compared states read from its table`);
      assert.ok(counters.misses > 0, `${row.contender}: misses read the table`);
      assert.ok(counters.writeBacks > 0, `${row.contender}: dirty states were written back to Cassandra`);
    }
  });

  it('a bad --store, --cassandra-table or --consistency is one line and exit 2, before anything connects', async (t) => {
    const why = unbuilt('go-lru', 'rust-btree');
    if (why !== undefined) return t.skip(why);
    const bad = [
      ['--store', 'cassandra:'],
      ['--store', 'cassandra:a b'],
      ['--store', 'redis'],
      ['--store', 'cassandra:127.0.0.1', '--db', join(dir, 'x.sqlite')],
      ['--store', 'cassandra:127.0.0.1', '--cassandra-table', 'NoKeyspace'],
      ['--store', 'cassandra:127.0.0.1', '--consistency', 'all'],
    ];
    for (const binary of ['go-lru', 'rust-btree']) {
      for (const flags of bad) {
        const result = await execa(referenceExecutable(binary), ['--capacity', '10', ...flags], { reject: false, timeout: 10_000 });
        assert.equal(result.exitCode, 2, `${binary} ${flags.join(' ')}: ${result.stderr}`);
        assert.equal(result.stderr.trim().split('\n').length, 1, `${binary} ${flags.join(' ')}: one line: ${result.stderr}`);
        assert.doesNotMatch(result.stderr, /panicked|goroutine \d/, `${binary}: no stack trace`);
      }
    }
  });
});
