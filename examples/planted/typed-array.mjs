// typed-array with a regression of a known size planted in it, to measure what a gate catches:
//   READSTATE_PLANTED=pause=4ms/10000,alloc=256,hold=200000 readstate-lab run --impl ./examples/planted/typed-array.mjs
// It is named typed-array, so a gate config's typed-array checks judge it against a baseline of
// the real one. Each part is optional; without READSTATE_PLANTED it is typed-array plus a call.
//   pause=MSms/N  block the measured thread MS ms every N request-path calls (tail latency)
//   alloc=BYTES   allocate an array of about BYTES bytes on every request-path call (allocation)
//   hold=COUNT    keep COUNT small objects alive on the heap for the cache's life (full-GC pause)
import { TypedArrayCache } from '../../dist/implementations/typed-array.js';

function parsePlant(text) {
  const plant = { pauseMs: 0, every: 0, allocBytes: 0, hold: 0 };
  for (const part of text.split(',').filter((p) => p !== '')) {
    const pause = /^pause=([\d.]+)ms\/(\d+)$/.exec(part);
    const alloc = /^alloc=(\d+)$/.exec(part);
    const hold = /^hold=(\d+)$/.exec(part);
    if (pause) Object.assign(plant, { pauseMs: Number(pause[1]), every: Number(pause[2]) });
    else if (alloc) plant.allocBytes = Number(alloc[1]);
    else if (hold) plant.hold = Number(hold[1]);
    else throw new Error(`READSTATE_PLANTED: "${part}" is not pause=MSms/N, alloc=BYTES or hold=COUNT`);
  }
  return plant;
}

const plant = parsePlant(process.env.READSTATE_PLANTED ?? '');
// An array of small integers costs 8 bytes an element and a header of about 16 on a 64-bit heap.
const allocElements = Math.max(1, Math.round((plant.allocBytes - 16) / 8));
let calls = 0;

// Blocks the thread without allocating: a loop on performance.now() allocates a number per
// turn until it is optimised, and would plant an allocation regression beside the pause.
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function pause(ms) {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** What every request-path call pays before the real cache answers. */
function planted() {
  calls++;
  if (plant.every > 0 && calls % plant.every === 0) pause(plant.pauseMs);
  if (plant.allocBytes > 0) globalThis.plantedGarbage = new Array(allocElements).fill(calls & 0xff);
}

export function createCache(options) {
  const cache = new TypedArrayCache(options);
  // Live objects the full GC must mark every time, as a cache that kept an object per entry would.
  const held = Array.from({ length: plant.hold }, (_, i) => ({ index: i, next: null }));
  cache.plantedHeld = held;
  const read = cache.read.bind(cache);
  const ack = cache.ack.bind(cache);
  const mention = cache.mention.bind(cache);
  cache.read = (userId, channelId, into) => {
    planted();
    return read(userId, channelId, into);
  };
  cache.ack = (userId, channelId, messageId, now) => {
    planted();
    return ack(userId, channelId, messageId, now);
  };
  cache.mention = (userId, channelId, now) => {
    planted();
    return mention(userId, channelId, now);
  };
  return cache;
}
