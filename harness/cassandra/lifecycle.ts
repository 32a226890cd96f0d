/**
 * Starting and stopping the lab's Cassandra: each node detached in a process group of its own,
 * its output in its folder's node.log and its pid in cassandra.pid, so that a later command (or
 * another program, through cluster.ts) finds it; stop ends every group and leaves no JVM behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, UsageError } from '../errors.js';
import { cassandraClasspath } from './classpath.js';
import {
  type CassandraMember,
  type ClusterShape,
  CQL_PORT,
  clusterStatus,
  isCassandraProcess,
  memberFiles,
  nodeAddress,
  readMember,
  removeClusterShape,
  STORAGE_PORT,
  writeClusterShape,
} from './cluster.js';
import { cqlAnswers, portListening } from './cql-probe.js';
import { javaArguments, prepareNode } from './node-config.js';
import { createSchema } from './schema.js';

/** A lone node answered in about 16 s on a quiet machine here; a busy 2-core machine needs several times that. */
const NODE_START_DEADLINE_MS = 180_000;
/** What a node gets after SIGTERM before its process group is killed: clustered nodes were seen to ignore it for over 8 s. */
export const STOP_DEADLINE_MS = 10_000;
const POLL_MS = 500;
const LOG_LINES_ON_FAILURE = 10;

type Print = (line: string) => void;

/** The last lines of a node's log, for a node that did not come up. */
export function logTail(member: Pick<CassandraMember, 'logPath'>, lines = LOG_LINES_ON_FAILURE): string[] {
  if (!existsSync(member.logPath)) return ['(no log written)'];
  return readFileSync(member.logPath, 'utf8').trimEnd().split('\n').slice(-lines);
}

/** Java's major version, or a one-line refusal when there is no java on PATH. */
export function javaMajorVersion(): number {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (errorCode(result.error) === 'ENOENT') {
    throw new UsageError('java was not found on PATH: Cassandra 5.0 needs Java 17 (apt-get install -y openjdk-17-jre-headless)');
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (match === null) throw new UsageError(`java -version did not say its version: ${result.stderr.trim().split('\n')[0] ?? ''}`);
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/** A one-line refusal when another program holds a port a node needs. */
async function refuseTakenPorts(nodes: number): Promise<void> {
  for (let index = 1; index <= nodes; index++) {
    const address = nodeAddress(index);
    for (const port of [CQL_PORT, STORAGE_PORT]) {
      if (await portListening(address, port)) {
        throw new UsageError(
          `port ${port} on ${address} is taken by another program (not the lab's Cassandra): stop it, or it answers instead of the lab's node`,
        );
      }
    }
  }
}

function launchNode(index: number, shape: ClusterShape, classpath: string): void {
  const files = memberFiles(index);
  const log = openSync(files.logPath, 'a');
  try {
    const child = spawn('java', javaArguments(index, shape, classpath), { cwd: files.directory, detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new UsageError(`java did not start node ${files.address}`);
    writeFileSync(files.pidFile, `${child.pid}\n`);
    child.unref();
  } finally {
    closeSync(log);
  }
}

/** Waits until every node of `indexes` answers CQL; a one-line refusal (after its log's last lines) when one exits or misses the deadline. */
async function awaitCql(indexes: readonly number[], print: Print): Promise<void> {
  const deadline = Date.now() + NODE_START_DEADLINE_MS;
  const waiting = new Set(indexes);
  while (waiting.size > 0) {
    for (const index of [...waiting]) {
      const member = readMember(index);
      if (!member.alive || Date.now() > deadline) {
        for (const line of logTail(member)) print(`    ${line}`);
        const what = member.alive ? `did not answer CQL within ${NODE_START_DEADLINE_MS / 1000} s` : 'exited during start-up';
        throw new UsageError(`Cassandra node ${member.address} ${what} (its log's last lines above; all of it in ${member.logPath})`);
      }
      if (await cqlAnswers(member.address)) waiting.delete(index);
    }
    if (waiting.size > 0) await sleep(POLL_MS);
  }
}

/** "1 node, heap 1g, g1". */
export function describeShape(shape: ClusterShape): string {
  return `${shape.nodes} node${shape.nodes === 1 ? '' : 's'}, heap ${shape.heap}, ${shape.gc}`;
}

/** What `start` did: 'started', or 'running' when the same shape was already up. */
export type StartOutcome = 'started' | 'running';

/**
 * Starts `shape`: the seed node first, the others once it answers (they join through it), then
 * the keyspace and table. A cluster already up is left alone when it has the same shape and
 * refused otherwise. On any failure every node started is stopped again.
 */
export async function startCluster(shape: ClusterShape, print: Print): Promise<StartOutcome> {
  // Java first: without it nothing below can be answered truthfully.
  const major = javaMajorVersion();
  if (major !== 11 && major !== 17) print(`warning: Java ${major} on PATH; Cassandra 5.0 supports Java 11 and 17`);
  const current = clusterStatus();
  if (current?.members.some((member) => member.alive)) {
    const down = current.members.filter((member) => !member.alive).map((member) => member.address);
    const sameShape = current.nodes === shape.nodes && current.heap === shape.heap && current.gc === shape.gc;
    if (sameShape && down.length === 0) return 'running';
    if (sameShape) throw new UsageError(`Cassandra is running with ${down.join(' and ')} down: readstate-lab cassandra stop, then start`);
    throw new UsageError(
      `a ${current.nodes}-node Cassandra (heap ${current.heap}, ${current.gc}) is already running: stop it first with readstate-lab cassandra stop`,
    );
  }
  await refuseTakenPorts(shape.nodes);
  const classpath = cassandraClasspath(print);
  print(`starting Cassandra: ${describeShape(shape)} ...`);
  const indexes = Array.from({ length: shape.nodes }, (_, at) => at + 1);
  for (const index of indexes) prepareNode(index, shape);
  writeClusterShape(shape);
  try {
    launchNode(1, shape, classpath);
    await awaitCql([1], print);
    for (const index of indexes.slice(1)) launchNode(index, shape, classpath);
    await awaitCql(indexes.slice(1), print);
    await createSchema(indexes.map(nodeAddress), shape.nodes);
  } catch (error) {
    await stopCluster(() => {});
    throw error;
  }
  return 'started';
}

/** How one node ended: 'stopped' on SIGTERM, 'killed' after the deadline, 'not running'. */
export interface StopOutcome {
  readonly address: string;
  readonly pid: number | undefined;
  readonly ended: 'stopped' | 'killed' | 'not running';
  readonly seconds: number;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function stopMember(member: CassandraMember): Promise<StopOutcome> {
  const began = Date.now();
  const { pid } = member;
  if (pid === undefined || !member.alive) return { address: member.address, pid, ended: 'not running', seconds: 0 };
  signalGroup(pid, 'SIGTERM');
  while (isCassandraProcess(pid) && Date.now() - began < STOP_DEADLINE_MS) await sleep(100);
  let ended: StopOutcome['ended'] = 'stopped';
  if (isCassandraProcess(pid)) {
    signalGroup(pid, 'SIGKILL');
    ended = 'killed';
    while (isCassandraProcess(pid)) await sleep(50);
  }
  return { address: member.address, pid, ended, seconds: (Date.now() - began) / 1000 };
}

/** Stops every node at once (SIGTERM, then SIGKILL of its group after STOP_DEADLINE_MS) and forgets the cluster. */
export async function stopCluster(print: Print): Promise<StopOutcome[]> {
  const members = clusterStatus()?.members ?? [1, 2, 3].map(readMember).filter((member) => member.pid !== undefined);
  const outcomes = await Promise.all(members.map(stopMember));
  for (const member of members) rmSync(member.pidFile, { force: true });
  removeClusterShape();
  for (const outcome of outcomes) {
    const how = outcome.ended === 'not running' ? 'was not running' : `${outcome.ended} in ${outcome.seconds.toFixed(1)} s`;
    print(`${outcome.address}: ${outcome.pid === undefined ? '' : `pid ${outcome.pid} `}${how}`);
  }
  return outcomes;
}
