// How long a message takes to a worker thread and back while the main thread stays busy the way
// the lab's driver does (spin 50 µs, let the event loop turn by setImmediate, again): what a
// cache miss waits before the store's answer even starts. Runs on every runtime:
// `node scripts/worker-round-trip.mjs`, `bun scripts/worker-round-trip.mjs`,
// `deno run -A scripts/worker-round-trip.mjs`.
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

if (!isMainThread) {
  // This same file, as the worker: it echoes every message.
  parentPort.on('message', (message) => parentPort.postMessage(message));
} else {
  await measure();
}

async function measure() {
  const echo = new Worker(new URL(import.meta.url));
  const roundTripsMs = [];
  let sentAt = -1;
  echo.on('message', () => {
    roundTripsMs.push(performance.now() - sentAt);
    sentAt = -1;
  });
  await new Promise((resolve) => {
    const end = performance.now() + 3000;
    const turn = () => {
      const start = performance.now();
      if (sentAt < 0) {
        sentAt = start;
        echo.postMessage(0);
      }
      while (performance.now() - start < 0.05);
      if (performance.now() < end) setImmediate(turn);
      else resolve();
    };
    turn();
  });
  await echo.terminate();
  roundTripsMs.sort((a, b) => a - b);
  const at = (q) => roundTripsMs[Math.floor(roundTripsMs.length * q)].toFixed(3);
  const runtime = 'Deno' in globalThis ? `deno ${Deno.version.deno}` : 'Bun' in globalThis ? `bun ${Bun.version}` : `node ${process.version}`;
  console.log(`${runtime}: ${roundTripsMs.length} round trips in 3 s, p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms`);
}
