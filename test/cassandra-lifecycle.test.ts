import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Client } from 'cassandra-driver';
import { CASSANDRA_KEYSPACE, CASSANDRA_TABLE, cassandraCacheFolder, clusterStatus, LOCAL_DATA_CENTER } from '../harness/cassandra/cluster.js';
import { portListening } from '../harness/cassandra/cql-probe.js';
import { expectRefused, runCli, tempDir } from './support/cli.js';
import { expectRefusedInProcess } from './support/cli-in-process.js';
import { leaveTheLabNode, shareTheLabNode } from './support/lab-node-lock.js';

describe('cassandra refuses bad input in one line', () => {
  it('refuses a node count, a collector, a heap and an action it does not know', async () => {
    await expectRefusedInProcess(['cassandra', 'start', '--nodes', '2'], /--nodes must be 1 or 3, got "2"/);
    await expectRefusedInProcess(['cassandra', 'start', '--gc', 'shenandoah'], /--gc must be g1 or zgc, got "shenandoah"/);
    await expectRefusedInProcess(['cassandra', 'start', '--heap', '12'], /--heap must be a size from 512m to 8g/);
    await expectRefusedInProcess(['cassandra', 'start', '--heap', '64m'], /--heap must be a size/);
    await expectRefusedInProcess(['cassandra', 'status', '--nodes', '3'], /belong to start/);
    await expectRefusedInProcess(['cassandra', 'restart'], /unknown cassandra action "restart"/);
    await expectRefusedInProcess(['cassandra'], /cassandra needs an action/);
  });

  it('says java is missing when PATH has none', async () => {
    // A PATH holding node alone, so the CLI starts but finds no java.
    const bin = join(tempDir('rsl-no-java-'), 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    await expectRefused(['cassandra', 'start'], /java was not found on PATH/, { PATH: bin });
  });

  it('says so when another program holds the CQL port, and starts nothing', async () => {
    // Another home has no cluster of its own, so whatever answers on 127.0.0.1:9042 (the lab's node, or this test's listener) is another program's.
    let server: Server | undefined;
    if (!(await portListening('127.0.0.1', 9042))) {
      server = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => server!.listen(9042, '127.0.0.1', resolve));
    }
    try {
      await expectRefused(['cassandra', 'start'], /port 9042 on 127\.0\.0\.1 is taken by another program/, { HOME: tempDir('rsl-other-home-') });
    } finally {
      await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    }
  });
});

describe('a node that does not come up', () => {
  it('fails the start in one line after the last 10 lines of its log, and leaves nothing behind', async (t) => {
    if (!existsSync(join(cassandraCacheFolder(), 'classpath.txt'))) return t.skip('no Cassandra jars cached yet (readstate-lab cassandra start resolves them)');
    // A java that says it is 17 and, asked to start a node, writes 12 lines and exits.
    const bin = join(tempDir('rsl-failing-java-'), 'bin');
    mkdirSync(bin);
    const fakeJava = join(bin, 'java');
    writeFileSync(
      fakeJava,
      '#!/bin/sh\nif [ "$1" = "-version" ]; then echo \'openjdk version "17.0.15"\' >&2; exit 0; fi\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "start-up line $i"; done\nexit 1\n',
    );
    chmodSync(fakeJava, 0o755);
    const root = tempDir('rsl-failing-node-');
    const env = { PATH: `${bin}:${process.env.PATH}`, READSTATE_LAB_CASSANDRA_ROOT: root, READSTATE_LAB_CASSANDRA_FIRST_HOST: '127.0.0.8' };
    const { stdout } = await expectRefused(['cassandra', 'start'], /Cassandra node 127\.0\.0\.8 exited during start-up \(its log's last lines above/, env);
    assert.match(stdout, /start-up line 3\n[\s\S]*start-up line 12/);
    assert.doesNotMatch(stdout, /start-up line 2\n/);
    assert.ok(!existsSync(join(root, 'cluster.json')) && !existsSync(join(root, 'node1', 'cassandra.pid')), 'the failed cluster is forgotten');
    rmSync(root, { recursive: true, force: true });
  });
});

describe('the running Cassandra', () => {
  // Other files freeze the node for a while; never during this.
  beforeEach(shareTheLabNode);
  afterEach(leaveTheLabNode);
  it('is up, answers CQL and holds the keyspace and the read-state table', async (t) => {
    const cluster = clusterStatus();
    if (cluster === undefined || cluster.members.some((member) => !member.alive)) {
      if (process.env.CI === 'true') assert.fail('no Cassandra is running, and CI starts one (.ci/run: readstate-lab cassandra start)');
      return t.skip('no Cassandra is running here (start one with readstate-lab cassandra start)');
    }
    const { exitCode, stdout } = await runCli(['cassandra', 'status']);
    assert.equal(exitCode, 0, stdout);
    for (const member of cluster.members) assert.match(stdout, new RegExp(`${member.address.replaceAll('.', '\\.')}  pid ${member.pid}  up  CQL answering`));
    assert.match(stdout, /table readstate_lab\.read_states: present/);
    const client = new Client({ contactPoints: cluster.members.map((member) => member.address), localDataCenter: LOCAL_DATA_CENTER });
    try {
      await client.connect();
      const columns = await client.execute('SELECT column_name, type, kind FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [
        CASSANDRA_KEYSPACE,
        CASSANDRA_TABLE,
      ]);
      const described = Object.fromEntries(columns.rows.map((row) => [row.column_name, `${row.type} ${row.kind}`]));
      assert.deepEqual(described, {
        user_id: 'bigint partition_key',
        channel_id: 'bigint partition_key',
        last_read_message_id: 'bigint regular',
        mention_count: 'int regular',
        updated_at: 'double regular',
      });
      const keyspace = await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [CASSANDRA_KEYSPACE]);
      assert.equal(keyspace.rows[0]?.replication.replication_factor, String(cluster.nodes));
    } finally {
      await client.shutdown();
    }
  });
});
