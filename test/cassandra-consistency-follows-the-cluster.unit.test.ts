import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeClusterShape } from '../harness/cassandra/cluster.js';
import { prepareNode } from '../harness/cassandra/node-config.js';
import { parseStoreFlag } from '../harness/cli/store-flag.js';

// A one-node lab cluster of this test's own on 127.0.0.21, as `cassandra start` leaves it (no JVM needed to read its shape).
const root = join(tmpdir(), `readstate-lab-consistency-unit-${process.pid}`);
const saved = { root: process.env.READSTATE_LAB_CASSANDRA_ROOT, host: process.env.READSTATE_LAB_CASSANDRA_FIRST_HOST };
before(() => {
  process.env.READSTATE_LAB_CASSANDRA_ROOT = root;
  process.env.READSTATE_LAB_CASSANDRA_FIRST_HOST = '127.0.0.21';
  prepareNode(1, { nodes: 1, heap: '1g', gc: 'g1' });
  writeClusterShape({ nodes: 1, heap: '1g', gc: 'g1' });
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

describe('--store cassandra:HOSTS chooses the consistency of the hosts it names', () => {
  it('is ONE on the lab node, and QUORUM on three hosts of another cluster while the lab runs one node', () => {
    assert.equal(parseStoreFlag('cassandra:127.0.0.21').cassandra?.consistency, 'one');
    assert.equal(parseStoreFlag('cassandra:127.0.0.21:9042').cassandra?.consistency, 'one');
    // A three-node cluster beside the lab's, as the killed-node test runs one: ONE there would let a dead replica take an acknowledged write with it.
    assert.equal(parseStoreFlag('cassandra:127.0.0.4,127.0.0.5,127.0.0.6').cassandra?.consistency, 'quorum');
    assert.equal(parseStoreFlag('cassandra:127.0.0.9').cassandra?.consistency, 'one');
  });
});
