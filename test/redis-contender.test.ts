import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { expectedStates } from '../harness/check/expected-states.js';
import { checkIntegrity } from '../harness/check/integrity-check.js';
import type { Results } from '../harness/results/schema.js';
import { RedisService } from '../harness/service/redis-service.js';
import { StoreClient } from '../harness/store/client.js';
import type { RequestLog } from '../harness/workload/request-log.js';
import { Workload } from '../harness/workload/workload.js';
import { redisServerExecutable } from '../implementations/redis-server.js';
import { cliArgs, runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { distFile } from './support/dist.js';
import { smallScenario } from './support/small-scenario.js';

const skip = redisServerExecutable() === undefined ? 'redis-server is not installed (apt-get install -y redis-server); CI installs it' : false;
const log = new Workload(smallScenario(), 11).generate(4000, 1000, 11);

function newService(capacity: number, persistence: 'none' | 'rdb' = 'none'): { service: RedisService; clock: { now: number } } {
  const clock = { now: 0 };
  const service = new RedisService({
    persistence,
    capacity,
    store: new StoreClient({ kind: 'sqlite', path: ':memory:' }),
    clock: () => clock.now,
    writeBackDelayMs: 50,
    writeBackEveryMs: 1,
    writeBackBatch: 100,
  });
  return { service, clock };
}

/** Sends the log's requests `from` to `to` with up to `inFlight` unanswered at once, 10 scenario ms apart. */
async function replay(service: RedisService, clock: { now: number }, requests: RequestLog, inFlight: number, from = 0, to = requests.count): Promise<void> {
  let waiting: Array<Promise<void>> = [];
  for (let i = from; i < to; i++) {
    clock.now += 10;
    waiting.push(service.handle(requests, i, clock.now));
    if (waiting.length >= inFlight) {
      await Promise.all(waiting);
      waiting = [];
    }
  }
  await Promise.all(waiting);
}

function processExists(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
}

async function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function losesNothing(service: RedisService): Promise<void> {
  await service.flush();
  const { cache, store } = await service.contents();
  const result = checkIntegrity(expectedStates(log, log.count), cache, store);
  assert.deepEqual(result.mismatches, []);
  assert.equal(result.ok, true);
  assert.ok(result.statesChecked > 1000, `states checked ${result.statesChecked}`);
}

describe('the redis contender (a real redis-server)', { skip }, () => {
  it('loses no read state with a cache far smaller than the states touched, and stops its server on close', async () => {
    const { service, clock } = newService(50);
    await service.warm([]);
    const pid = service.serverPid!;
    assert.ok(processExists(pid), 'redis-server runs while the service does');
    service.start(performance.now(), undefined);
    await replay(service, clock, log, 1);
    const counters = service.counters();
    assert.ok(counters.evictions > 500, `evictions ${counters.evictions}`);
    assert.ok(counters.writeBacks > 100, `write-backs ${counters.writeBacks}`);
    assert.equal(counters.cacheSize, 50);
    await losesNothing(service);
    await service.close();
    assert.equal(processExists(pid), false, 'redis-server is gone after close()');
  });

  it("applies each entry's operations in request order when hundreds of requests overlap (capacity 2)", async () => {
    const { service, clock } = newService(2);
    await service.warm([]);
    service.start(performance.now(), undefined);
    // 300 requests in flight at once: operations reach entries that are being loaded, evicted
    // and loaded again, and wait in Redis' pending lists; the end state must still be exact.
    await replay(service, clock, log, 300);
    assert.ok(service.counters().misses > 3000);
    await losesNothing(service);
    await service.close();
  });

  it('with RDB snapshots, forks the server while writes go on and still loses nothing', async () => {
    const { service, clock } = newService(500, 'rdb');
    await service.warm([]);
    service.start(performance.now(), undefined);
    // The log once, spread over about 3 s: Redis snapshots at most once a second.
    for (let start = 0; start < log.count; start += 50) {
      await replay(service, clock, log, 50, start, Math.min(log.count, start + 50));
      await new Promise((resolve) => setTimeout(resolve, 35));
    }
    const notes = await service.describe();
    assert.match(notes.join('\n'), /--save '1 1'/);
    assert.match(notes.join('\n'), /redis forks: [1-9]\d* snapshots/, notes.join('\n'));
    await losesNothing(service);
    await service.close();
  });

  it('takes its redis-server down with it when the process is killed', async () => {
    const script = [
      `import { startRedisServer } from ${JSON.stringify(pathToFileURL(distFile('harness/service/redis-server-process.ts')).href)};`,
      "const server = await startRedisServer('none');",
      'console.log(server.pid);',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = execa(process.execPath, ['--input-type=module', '-e', script], { reject: false, stdin: 'ignore' });
    const pid = await new Promise<number>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    assert.ok(processExists(pid));
    child.kill('SIGKILL');
    await child;
    const deadline = performance.now() + 5_000;
    while (processExists(pid) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(processExists(pid), false, 'no redis-server outlives the process that started it');
  });

  it('runs under readstate-lab run: a completed row, nothing lost, its configuration in the results, no server left', async () => {
    const dir = tempDir('rsl-redis-');
    const out = join(dir, 'out');
    const { exitCode, stdout, stderr } = await runCli(['run', '--scenario', smallScenarioFile(dir), '--impl', 'redis', '--out', out]);
    assert.equal(exitCode, 0, stderr + stdout);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    const [row] = results.rows;
    assert.equal(row?.state, 'completed', row?.state === 'failed' ? row.reason : '');
    if (row?.state !== 'completed') return;
    assert.equal(row.summary.integrityOk, true);
    assert.equal(row.summary.latency.count, 2000);
    const notes = row.measurement.serviceNotes ?? [];
    const port = Number(/on 127\.0\.0\.1:(\d+):/.exec(notes[0] ?? '')?.[1]);
    assert.match(notes[0] ?? '', /--appendonly no --save ''/, notes.join('\n'));
    assert.ok(port > 0, notes.join('\n'));
    assert.equal(await refusesConnections(port), true, 'the server the row started is stopped');
  });

  // load --impl redis is refused (it runs in-process only): cli-refuses-bad-input-before-work.unit.test.ts.
});

describe('the redis contender without redis-server', () => {
  it('is skipped with one line saying how to install it, and the other rows run', async () => {
    const dir = tempDir('rsl-redis-');
    const out = join(dir, 'out');
    // A PATH with no redis-server on it: the lab looks it up there, as on a machine without it.
    const args = cliArgs(['run', '--scenario', smallScenarioFile(dir), '--impl', 'redis,naive-map', '--out', out]);
    const result = await execa(process.execPath, args, { reject: false, stdin: 'ignore', env: { PATH: dir }, extendEnv: false });
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    const skipped = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.includes('skipping redis'));
    assert.deepEqual(skipped, ['skipping redis: redis-server is not installed (apt-get install -y redis-server)']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(
      results.rows.map((row) => row.contender),
      ['naive-map'],
    );
  });
});
