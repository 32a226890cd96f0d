import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { clusterStatus, LOCAL_DATA_CENTER } from '../harness/cassandra/cluster.js';
import { createFreshTable, dropTable, readCassandraStates } from '../harness/store/cassandra-tables.js';
import { type CassandraTarget, LAB_KEYSPACE, LAB_TABLE } from '../harness/store/cassandra-target.js';
import { assertNothingAcknowledgedLost, assertOnlyOkOrRefused, describeFaultFigures, faultFigures, sendAcksThroughFault } from './support/acks-under-fault.js';
import { runCli, tempDir } from './support/cli.js';
import { FAULT_SERVICES, type FaultService, faultServiceUnavailable, startFaultService } from './support/fault-services.js';
import type { ServerProcess } from './support/server-process.js';

/**
 * A node of a three-node cluster SIGKILLed mid-load: at QUORUM two replicas of three still
 * answer, so every service keeps acknowledging acks (or refuses them, 503), loses none it
 * acknowledged, and stops on SIGTERM with everything written. Each service runs twice at once,
 * once with the killed node as its last contact point and once as its first. Slow (a cluster of
 * three JVMs on 127.0.0.4-6, beside the lab's node): only with READSTATE_LAB_SLOW=1.
 * READSTATE_LAB_THREE_NODE_ROOT names a cluster folder to reuse (started afresh when a node of
 * it is down) and leave running.
 */
const FIRST_HOST = '127.0.0.4';
const ADDRESSES = ['127.0.0.4', '127.0.0.5', '127.0.0.6'];
const KILLED = '127.0.0.6';
const CHANNEL = 7;
/** A service stopping has 10 s for its requests in flight and 10 s to write back; past this it has missed its deadline. */
const STOP_LIMIT_MS = 25_000;

describe('a node killed in a three-node cluster', () => {
  it('loses nothing acknowledged: acks answer 200 or 503, and SIGTERM writes everything back', { timeout: 900_000 }, async (t) => {
    if (process.env.READSTATE_LAB_SLOW !== '1') return t.skip('slow (a three-node cluster, minutes of two cores): set READSTATE_LAB_SLOW=1');
    const reuse = process.env.READSTATE_LAB_THREE_NODE_ROOT;
    const env = { READSTATE_LAB_CASSANDRA_ROOT: reuse ?? tempDir('rsl-node-killed-'), READSTATE_LAB_CASSANDRA_FIRST_HOST: FIRST_HOST };
    try {
      await startThreeNodes(t, env);
      const services = FAULT_SERVICES.filter((service) => {
        const why = faultServiceUnavailable(service);
        if (why !== undefined) t.diagnostic(`${service} left out: ${why}`);
        return why === undefined;
      });
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
        await Promise.all(runs.map(({ server }) => server.stop().catch(() => {})));
        for (const { target } of runs) await dropTable(target).catch((error: Error) => t.diagnostic(`could not drop ${target.table}: ${error.message}`));
      }
    } finally {
      if (reuse === undefined) {
        const stopped = await runCli(['cassandra', 'stop'], env);
        t.diagnostic(`three nodes stopped: ${stopped.stdout.replaceAll('\n', '; ')}`);
        rmSync(env.READSTATE_LAB_CASSANDRA_ROOT, { recursive: true, force: true });
      }
    }
  });
});

/** Starts three nodes under env's root, afresh when a cluster there has a node down. */
async function startThreeNodes(t: TestContext, env: Record<string, string>): Promise<void> {
  const current = withEnv(env, clusterStatus);
  if (current?.members.some((member) => !member.alive)) {
    const stopped = await runCli(['cassandra', 'stop'], env);
    t.diagnostic(`a node was down; stopped the cluster: ${stopped.stdout.replaceAll('\n', '; ')}`);
  }
  const began = Date.now();
  const started = await runCli(['cassandra', 'start', '--nodes', '3'], env);
  t.diagnostic(`three nodes ${/already running/.test(started.stdout) ? 'already running' : 'started'} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
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
