import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { runHttpLoad } from '../harness/drive/closed-loop-load.js';
import { runOpenLoopLoad } from '../harness/drive/open-loop-load.js';
import { decodeHistogram, prepareFastHistograms } from '../harness/results/histogram.js';
import { passInOneOfRuns } from './support/one-of-runs.js';
import { describeRun, figures, mixedLog } from './support/open-loop-checks.js';
import { type StallingServer, startStallingServer } from './support/stalling-server.js';

before(() => prepareFastHistograms());

/**
 * Times when this process was runnable but not running: an interval timer every 5 ms that fires
 * more than 30 ms late, with the process using under half of that gap's CPU (so the gap was not
 * its own work).
 */
function starvationMonitor(): { stop(): Array<{ fromMs: number; toMs: number }> } {
  const pauses: Array<{ fromMs: number; toMs: number }> = [];
  let lastMs = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const gapMs = now - lastMs;
    if (gapMs > 30 && (cpu.user + cpu.system) / 1000 < gapMs / 2) pauses.push({ fromMs: lastMs, toMs: now });
    lastMs = now;
    lastCpu = process.cpuUsage();
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return pauses;
    },
  };
}

/**
 * 6,000 requests at `rate` (3 s), with when each was sent, how many were sent in each 100 ms of
 * the due-time clock (200 each when even, judged within +-50%), and which buckets are excused: one
 * during which this process was descheduled by the OS for more than 30 ms (measured, not
 * assumed), and the one after it, where the sender catches up.
 */
async function sendsOverThreeSeconds(url: string, rate: number) {
  const log = mixedLog(6000);
  const sentAt = new Float64Array(log.count).fill(Number.NaN);
  let runStart = Number.NaN;
  const starved = starvationMonitor();
  const outcome = await runOpenLoopLoad({
    url,
    log,
    rate,
    windowMs: 1000,
    onSend: (i, atMs) => {
      if (i === 0) runStart = performance.now() - atMs;
      sentAt[i] = atMs;
    },
  });
  const pauses = starved.stop();
  const buckets = new Array<number>(30).fill(0);
  for (const at of sentAt) buckets[Math.min(29, Math.max(0, Math.floor(at / 100)))]!++;
  const excused = new Set<number>();
  for (const pause of pauses) {
    const first = Math.floor((pause.fromMs - runStart) / 100);
    const last = Math.floor((pause.toMs - runStart) / 100) + 1;
    for (let b = Math.max(0, first); b <= Math.min(29, last); b++) excused.add(b);
  }
  return { outcome, sentAt, pauses, buckets, excused, judged: buckets.length - excused.size };
}

describe('the open-loop HTTP load driver', () => {
  let servers: StallingServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
  });
  const start = async (options: Parameters<typeof startStallingServer>[0]): Promise<StallingServer> => {
    const server = await startStallingServer(options);
    servers.push(server);
    return server;
  };

  it('shows a server stall in every request due during it, where the closed-loop driver hides it', async (t) => {
    // The server blocks for 200 ms every 2 s: 10% of the time, so ~10% of requests fall due in
    // a stall. One due t ms into a stall is answered when it ends, ~(200 - t) ms later, so the
    // ones due in a stall's first 100 ms (5% of all) take 100 ms or more, and the slowest 1%
    // (due in a stall's first 20 ms) take ~180 ms: p99 ~ 180 ms. Worst phase, a 6 s run holds
    // two whole stalls: 3.3% at 100 ms or more, still above 1%, so p99 >= 100 ms.
    const server = await start({ stallMs: 200, periodMs: 2000 });
    const log = mixedLog(6000);
    const open = await runOpenLoopLoad({ url: server.url, log, rate: 1000, windowMs: 1000 });
    const openFigures = figures(open.latency);
    assert.equal(open.drive.completed, 6000, describeRun(open));
    assert.ok(openFigures.p99Ms >= 100, `open-loop p99 ${openFigures.p99Ms} ms: the stalls do not show (${describeRun(open)})`);
    assert.ok(openFigures.over100Ms >= 0.02, `open loop: only ${openFigures.over100Ms} of requests took 100 ms or more`);
    // Requests kept going out during the stalls, each on a connection of its own.
    assert.ok(open.pool.peakConnections >= 50, `the pool only grew to ${open.pool.peakConnections} connections`);
    assert.ok(open.pool.waited === 0 || open.pool.peakConnections === open.pool.maxConnections, 'requests waited for a connection below the cap');

    // autocannon, 10 connections: each has one request out when a stall starts and sends no
    // more until it is answered, timing from the send, so a stall shows in ~10 requests of the
    // 6,000 (0.2% at most per stall), far below the 1% that p99 looks at.
    const closed = await runHttpLoad({ url: server.url, log, rate: 1000, connections: 10, windowMs: 1000, timeoutSeconds: 10 });
    const closedFigures = figures(closed.latency);
    t.diagnostic(`open ${JSON.stringify(openFigures)} pool ${JSON.stringify(open.pool)}`);
    t.diagnostic(`closed ${JSON.stringify(closedFigures)}`);
    const both = `open ${JSON.stringify(openFigures)}, closed ${JSON.stringify(closedFigures)}`;
    // Both the p99 and the share of slow requests: the p99 stays robust on a busy machine as
    // long as fewer than 1% of the closed-loop requests are delayed by the machine itself; the
    // share of slow requests is what coordinated omission hides (5% against ~0.5%).
    assert.ok(closedFigures.p99Ms <= openFigures.p99Ms / 2, `closed-loop p99 is not far below the open-loop one: ${both}`);
    assert.ok(closedFigures.over100Ms <= openFigures.over100Ms / 4, `closed loop: as many slow requests as open loop: ${both}`);
  });

  it('keeps the rate, answers everything and spreads its sends evenly without stalls', async (t) => {
    const server = await start({});
    const rate = 2000;
    // A fresh server process runs cold (interpreted) code for its first few thousand requests,
    // and answers slowly: warm it up first, unmeasured.
    await runOpenLoopLoad({ url: server.url, log: mixedLog(4000), rate, windowMs: 1000 });

    // Sends per 100 ms of the due-time clock are judged only in buckets the OS did not interrupt
    // (below). On a machine busy enough to interrupt most of them the run says nothing about the
    // driver, and a lone hiccup the monitor cannot see (this process's own GC, a burst of other
    // work on the core) makes one bucket short and the next long as the driver catches up: such
    // a run is measured again, up to three times. A driver that sends unevenly by design does
    // so in every run, and fails.
    await passInOneOfRuns('sent evenly in enough buckets to judge', 3, async (attempt) => {
      const { outcome, sentAt, buckets, excused, judged, pauses } = await sendsOverThreeSeconds(server.url, rate);
      assert.equal(outcome.drive.sent, 6000, describeRun(outcome));
      assert.equal(outcome.drive.completed, 6000, describeRun(outcome));
      assert.equal(outcome.non2xx + outcome.errors + outcome.timeouts, 0, describeRun(outcome));
      assert.equal(figures(outcome.latency).count, 6000);
      assert.ok(outcome.drive.achievedRate >= 1800, describeRun(outcome));

      // Never early: request i goes out at its due time (i / rate) or later. A sender that
      // bursts a second's worth at once (autocannon with a rate) sends most of them up to 1 s early.
      let early = 0;
      for (let i = 0; i < sentAt.length; i++) {
        assert.ok(!Number.isNaN(sentAt[i]!), 'onSend reported every request');
        if (sentAt[i]! < (i * 1000) / rate - 0.001) early++;
      }
      assert.equal(early, 0, `${early} requests were sent before they were due`);

      const mean = sentAt.length / buckets.length;
      const uneven = buckets.map((n, b) => ({ n, b })).filter(({ n, b }) => (n < mean * 0.5 || n > mean * 1.5) && !excused.has(b));
      t.diagnostic(
        `run ${attempt}: sends per 100 ms: ${buckets.join(' ')}; excused ${[...excused].join(',') || 'none'}; ${describeRun(outcome)}; ${JSON.stringify(figures(outcome.latency))}`,
      );
      if (judged < 10) return `the OS held this process off the CPU in ${30 - judged} of 30 buckets (${JSON.stringify(pauses)})`;
      if (uneven.length > 0) return `sends per 100 ms: ${buckets.join(' ')} (mean ${mean}), uneven: ${JSON.stringify(uneven)}`;
      return undefined;
    });
  });

  it('counts the requests a route never answers as timeouts, and ends', async (t) => {
    const server = await start({ hangPrefix: '/users/' });
    // 1,000 requests over 2 s; every 10th a reconnect, which the server never answers. Those
    // sent more than timeoutMs before the drain ends time out (~80); the drain cuts off the rest.
    const log = mixedLog(1000, 10);
    const timeoutMs = 1000;
    const drainTimeoutMs = 600;
    const began = performance.now();
    const outcome = await runOpenLoopLoad({ url: server.url, log, rate: 500, windowMs: 1000, timeoutMs, drainTimeoutMs });
    const wallMs = performance.now() - began;
    t.diagnostic(`${describeRun(outcome)}; wall ${wallMs.toFixed(0)} ms`);
    assert.equal(outcome.errors + outcome.non2xx, 0, describeRun(outcome));
    assert.equal(outcome.drive.completed + outcome.timeouts, 1000, describeRun(outcome));
    // Every reconnect timed out and none was timed; the other requests (answered at once) could
    // only time out on a machine that held the server off the CPU for a whole second.
    assert.ok(outcome.timeouts >= 100, describeRun(outcome));
    const reconnects = decodeHistogram(outcome.latency.byType.reconnect);
    assert.equal(reconnects.totalCount, 0, 'timeouts are timed nowhere');
    reconnects.destroy();
    assert.equal(figures(outcome.latency).count, outcome.drive.completed);
    // The last request is due at 1,998 ms; the drain gives up 600 ms later. Margin: 1.5 s.
    assert.ok(outcome.drive.elapsedMs <= 1998 + drainTimeoutMs + 1500, `ended ${outcome.drive.elapsedMs} ms after the start`);
    assert.ok(wallMs < 20_000, `the whole call took ${wallMs} ms`);
  });

  it('refuses a port nobody listens on before the load: "connection refused: URL", no figures', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');
    const log = mixedLog(200);
    const url = `http://127.0.0.1:${port}`;
    await assert.rejects(runOpenLoopLoad({ url, log, rate: 400, windowMs: 1000, timeoutMs: 2000, drainTimeoutMs: 2000 }), {
      message: `connection refused: ${url}`,
    });
  });

  it('at the connection cap, queues requests FIFO and shows their wait in their latency', async (t) => {
    // 4 connections, a 300 ms stall every second, 500/s: ~150 requests fall due during a stall,
    // 4 of them go out, the rest wait for a connection until it ends.
    const server = await start({ stallMs: 300, periodMs: 1000 });
    const log = mixedLog(1500);
    const outcome = await runOpenLoopLoad({ url: server.url, log, rate: 500, windowMs: 1000, maxConnections: 4 });
    const latency = figures(outcome.latency);
    t.diagnostic(`${describeRun(outcome)}; ${JSON.stringify(latency)}`);
    assert.equal(outcome.drive.completed, 1500, describeRun(outcome));
    assert.ok(outcome.pool.peakConnections <= 4, describeRun(outcome));
    assert.ok(outcome.pool.waited >= 100, describeRun(outcome));
    assert.ok(outcome.pool.longestWaitMs >= 100, describeRun(outcome));
    assert.ok(outcome.pool.totalWaitMs >= outcome.pool.longestWaitMs);
    // Timed from the due time: the wait is inside the latency.
    assert.ok(latency.maxMs >= outcome.pool.longestWaitMs, `max ${latency.maxMs} ms below the longest wait ${outcome.pool.longestWaitMs} ms`);
    assert.ok(latency.p99Ms >= 100, JSON.stringify(latency));
  });
});
