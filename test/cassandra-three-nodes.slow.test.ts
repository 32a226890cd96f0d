import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { clusterStatus, LOCAL_DATA_CENTER } from '../harness/cassandra/cluster.js';
import { connectCassandra } from '../harness/store/cassandra-backend.js';
import { createFreshTable, readCassandraStates } from '../harness/store/cassandra-tables.js';
import { type CassandraTarget, LAB_KEYSPACE, LAB_TABLE } from '../harness/store/cassandra-target.js';
import { assertNothingAcknowledgedLost, assertOnlyOkOrRefused, describeFaultFigures, faultFigures, sendAcksThroughFault } from './support/acks-under-fault.js';
import { expectRefused, runCli, tempDir } from './support/cli.js';
import { availableFaultServices, type FaultService, startFaultService, stopServicesAndDropTables } from './support/fault-services.js';
import type { ServerProcess } from './support/server-process.js';
import { slowTier } from './support/slow-tier.js';

/**
 * A cluster of three nodes on 127.0.0.4-6, beside the lab's node, started once for every test
 * here (three JVMs take minutes of two cores under load): it starts and holds a keyspace of
 * replication 3; a node of it SIGKILLed mid-load loses nothing the services acknowledged; and it
 * stops leaving no JVM. In the slow tier (test/support/slow-tier.ts).
 * READSTATE_LAB_THREE_NODE_ROOT names a cluster folder to reuse (started afresh when a node of it
 * is down) and leave running, for working on the killed-node test; the stop is then not checked.
 */
const FIRST_HOST = '127.0.0.4';
const ADDRESSES = ['127.0.0.4', '127.0.0.5', '127.0.0.6'];
const KILLED = '127.0.0.6';
const CHANNEL = 7;
/** A service stopping has 10 s for its requests in flight and 10 s to write back; past this it has missed its deadline. */
const STOP_LIMIT_MS = 25_000;

describe('three Cassandra nodes', { skip: slowTier }, () => {
  const reuse = process.env.READSTATE_LAB_THREE_NODE_ROOT;
  const root = reuse ?? tempDir('rsl-three-nodes-');
  const env = { READSTATE_LAB_CASSANDRA_ROOT: root, READSTATE_LAB_CASSANDRA_FIRST_HOST: FIRST_HOST };

  before(() => startThreeNodes(env), { timeout: 900_000 });
  after(async () => {
    // Whatever failed above, no JVM of this cluster outlives the file (a no-op once stopped).
    if (reuse === undefined) {
      await runCli(['cassandra', 'stop'], env);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('start, each node answering CQL, with the table in a keyspace of replication 3; a second start is a no-op', async () => {
    const status = await runCli(['cassandra', 'status'], env);
    assert.equal(status.exitCode, 0, status.stdout);
    for (const address of ADDRESSES) assert.match(status.stdout, new RegExp(`${address.replaceAll('.', '\\.')}  pid \\d+  up  CQL answering`));
    assert.match(status.stdout, /table readstate_lab\.read_states: present/);
    const client = await connectCassandra(quorumTarget(ADDRESSES));
    try {
      const keyspace = await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [LAB_KEYSPACE]);
      assert.equal(keyspace.rows[0]?.replication.replication_factor, '3');
    } finally {
      await client.shutdown();
    }
    const again = await runCli(['cassandra', 'start', '--nodes', '3'], env);
    assert.equal(again.exitCode, 0);
    assert.match(again.stdout, /already running with that shape/);
    await expectRefused(['cassandra', 'start', '--nodes', '1'], /a 3-node Cassandra .* is already running/, env);
  });

  it('a node killed mid-load loses nothing acknowledged: acks answer 200 or 503, and SIGTERM writes everything back', { timeout: 900_000 }, async (t) => {
    const services = availableFaultServices((line) => t.diagnostic(line));
    const killedPid = withEnv(env, () => clusterStatus()?.members.find((member) => member.address === KILLED)?.pid);
    assert.ok(killedPid !== undefined, `node ${KILLED} has a pid`);
    const orders = { last: ADDRESSES, first: [KILLED, ...ADDRESSES.filter((address) => address !== KILLED)] };
    const runs: { label: string; service: FaultService; target: CassandraTarget; server: ServerProcess }[] = [];
    try {
      for (const service of services) {
        for (const [where, hosts] of Object.entries(orders)) {
          const target = await createFreshTable(quorumTarget(hosts), `killed_${where}`);
          runs.push({ label: `${service} (killed node ${where} of its contact points)`, service, target, server: await startFaultService(service, target) });
        }
      }
      const outcomes = await Promise.all(
        runs.map(({ server }, at) =>
          sendAcksThroughFault({
            url: server.url,
            durationMs: 14_000,
            faultAtMs: 4_000,
            // One kill for every service at once: the first load's timer does it.
            fault: at === 0 ? () => process.kill(killedPid, 'SIGKILL') : () => {},
            channelId: CHANNEL,
            users: 200,
            loops: 2,
            pauseMs: 25,
          }),
        ),
      );
      for (const [at, run] of runs.entries()) {
        const outcome = outcomes[at]!;
        t.diagnostic(`${run.label}: ${describeFaultFigures(faultFigures(outcome))}`);
        assertOnlyOkOrRefused(outcome, run.label);
      }
      // Every service stops at once, as a deploy would stop them; each must write everything back in time.
      const stops = await Promise.all(runs.map(({ server }) => timedStop(server)));
      for (const [at, run] of runs.entries()) {
        const { exitCode, output, ms } = stops[at]!;
        t.diagnostic(`${run.label}: SIGTERM to exit ${(ms / 1000).toFixed(1)} s, code ${exitCode}: ${lastLine(output)}`);
        assert.equal(exitCode, 0, `${run.label} wrote everything back: ${output.slice(-600)}`);
        assert.match(output, /stopped/, `${run.label} says it stopped`);
        assert.ok(ms < STOP_LIMIT_MS, `${run.label} exited ${ms} ms after SIGTERM`);
      }
      // Read at QUORUM from the two nodes left: a write acknowledged by two replicas is on one of them at least.
      for (const [at, run] of runs.entries()) {
        const stored = await readCassandraStates(run.target);
        assertNothingAcknowledgedLost(outcomes[at]!.acknowledged, stored, CHANNEL, run.label);
      }
    } finally {
      await stopServicesAndDropTables(runs, (line) => t.diagnostic(line));
    }
  });

  it('stop leaves no JVM of the cluster, a node of it killed or not', {
    skip: reuse === undefined ? false : 'READSTATE_LAB_THREE_NODE_ROOT: the cluster is kept',
  }, async (t) => {
    const stopping = Date.now();
    const stopped = await runCli(['cassandra', 'stop'], env);
    t.diagnostic(`stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s: ${stopped.stdout.replaceAll('\n', '; ')}`);
    assert.equal(stopped.exitCode, 0, stopped.stderr);
    assert.equal(pgrepCassandra().filter((line) => line.includes(root)).length, 0, 'no CassandraDaemon of this cluster left');
    const status = await runCli(['cassandra', 'status'], env);
    assert.equal(status.exitCode, 1);
    assert.match(status.stdout, /no Cassandra is running/);
  });
});

/** Starts three nodes under env's root, afresh when a cluster there has a node down; says how long it took on stderr. */
async function startThreeNodes(env: Record<string, string>): Promise<void> {
  const current = withEnv(env, clusterStatus);
  if (current?.members.some((member) => !member.alive)) {
    const stopped = await runCli(['cassandra', 'stop'], env);
    process.stderr.write(`a node was down; stopped the cluster: ${stopped.stdout.replaceAll('\n', '; ')}\n`);
  }
  const began = Date.now();
  const started = await runCli(['cassandra', 'start', '--nodes', '3'], env);
  process.stderr.write(
    `three nodes ${/already running/.test(started.stdout) ? 'already running' : 'started'} in ${((Date.now() - began) / 1000).toFixed(1)} s\n`,
  );
  assert.equal(started.exitCode, 0, `${started.stdout}\n${started.stderr}`);
}

/** The three-node cluster's lab keyspace at QUORUM, contacted in `hosts`' order. */
function quorumTarget(hosts: readonly string[]): CassandraTarget {
  return { contactPoints: hosts, localDataCenter: LOCAL_DATA_CENTER, keyspace: LAB_KEYSPACE, table: LAB_TABLE, consistency: 'quorum' };
}

/** Runs `read` with the cluster folder of env in process.env, so cluster.ts reads the test's cluster. */
function withEnv<T>(env: Record<string, string>, read: () => T): T {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return read();
  } finally {
    for (const name of Object.keys(env)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

async function timedStop(server: ServerProcess): Promise<{ exitCode: number | undefined; output: string; ms: number }> {
  const began = Date.now();
  const { exitCode, output } = await server.stop();
  return { exitCode, output, ms: Date.now() - began };
}

function lastLine(output: string): string {
  return output.trim().split('\n').at(-1) ?? '';
}

/** The command lines of every CassandraDaemon on the machine. */
function pgrepCassandra(): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'CassandraDaemon'], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return [];
  }
}
