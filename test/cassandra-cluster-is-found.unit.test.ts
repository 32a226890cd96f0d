import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cassandraContactPoints, clusterStatus, memberFiles, nodeAddress, removeClusterShape, writeClusterShape } from '../harness/cassandra/cluster.js';
import { javaArguments, prepareNode } from '../harness/cassandra/node-config.js';
import { UsageError } from '../harness/errors.js';

// A cluster folder of this test's own, on addresses no real node of the lab uses.
const root = join(tmpdir(), `readstate-lab-cassandra-unit-${process.pid}`);
const saved = { root: process.env.READSTATE_LAB_CASSANDRA_ROOT, host: process.env.READSTATE_LAB_CASSANDRA_FIRST_HOST };
before(() => {
  process.env.READSTATE_LAB_CASSANDRA_ROOT = root;
  process.env.READSTATE_LAB_CASSANDRA_FIRST_HOST = '127.0.0.11';
});
after(() => {
  for (const [key, value] of [
    ['READSTATE_LAB_CASSANDRA_ROOT', saved.root],
    ['READSTATE_LAB_CASSANDRA_FIRST_HOST', saved.host],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('finding the cluster', () => {
  it('knows no cluster before start, and says in one line how to start one', () => {
    assert.equal(clusterStatus(), undefined);
    assert.throws(
      () => cassandraContactPoints(),
      (error: unknown) => error instanceof UsageError && /readstate-lab cassandra start/.test(error.message),
    );
  });

  it('reads the shape start wrote and each node from its pid file, alive only when the pid is a Cassandra JVM', () => {
    const shape = { nodes: 3, heap: '768m', gc: 'zgc' } as const;
    for (const index of [1, 2, 3]) prepareNode(index, shape);
    writeClusterShape(shape);
    // This test's own pid is a live process, but not a CassandraDaemon.
    writeFileSync(memberFiles(1).pidFile, `${process.pid}\n`);
    const cluster = clusterStatus()!;
    assert.equal(cluster.nodes, 3);
    assert.equal(cluster.replication, 3);
    assert.deepEqual(
      cluster.members.map((member) => [member.address, member.pid, member.alive]),
      [
        ['127.0.0.11', process.pid, false],
        ['127.0.0.12', undefined, false],
        ['127.0.0.13', undefined, false],
      ],
    );
    assert.equal(cluster.members[2]!.gcLogPath, join(root, 'node3', 'gc.log'));
    assert.throws(() => cassandraContactPoints(), UsageError);
    removeClusterShape();
    assert.equal(clusterStatus(), undefined);
  });

  it('takes a cluster file that does not read as one start wrote for no cluster', () => {
    writeClusterShape({ nodes: 1, heap: '1g', gc: 'g1' });
    assert.equal(clusterStatus()?.nodes, 1);
    const file = join(root, 'cluster.json');
    for (const text of ['{"nodes": 2, "heap": "1g", "gc": "g1", "startedAt": "x"}', '{"nodes": 1, "heap": 1, "gc": "g1", "startedAt": "x"}', '[]', '{']) {
      writeFileSync(file, text);
      assert.equal(clusterStatus(), undefined, text);
    }
    removeClusterShape();
  });
});

describe("a node's configuration", () => {
  it('splits the ring evenly, seeds from the first node and listens on its own address', () => {
    const shape = { nodes: 3, heap: '768m', gc: 'g1' } as const;
    const tokens = [1, 2, 3].map((index) => {
      prepareNode(index, shape);
      const yaml = readFileSync(join(memberFiles(index).directory, 'cassandra.yaml'), 'utf8');
      assert.match(yaml, new RegExp(`listen_address: ${nodeAddress(index).replaceAll('.', '\\.')}\n`));
      assert.match(yaml, /seeds: "127\.0\.0\.11:7000"/);
      return BigInt(/initial_token: (-?\d+)/.exec(yaml)![1]!);
    });
    assert.deepEqual(tokens, [-(2n ** 63n), -(2n ** 63n) + 2n ** 64n / 3n, -(2n ** 63n) + (2n * 2n ** 64n) / 3n]);
  });

  it('starts the JVM with the heap, the collector and a GC log that never rotates', () => {
    const args = javaArguments(2, { nodes: 3, heap: '768m', gc: 'zgc' }, '/jars/a.jar:/jars/b.jar');
    for (const expected of ['-Xms768m', '-Xmx768m', '-XX:+UseZGC', '-Dcassandra.ring_delay_ms=1000', 'org.apache.cassandra.service.CassandraDaemon']) {
      assert.ok(args.includes(expected), expected);
    }
    assert.ok(args.includes(`-Xlog:gc*:file=${memberFiles(2).gcLogPath}:time,uptime,level,tags:filecount=0`));
    assert.equal(args[args.indexOf('-cp') + 1], '/jars/a.jar:/jars/b.jar');
    assert.ok(!javaArguments(1, { nodes: 1, heap: '1g', gc: 'g1' }, 'x').includes('-Dcassandra.ring_delay_ms=1000'), 'a lone node waits for no ring');
  });
});
