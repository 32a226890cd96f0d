// What a forced full GC costs in a Node process holding nothing but a typed-array cache:
// the floor under every row's full-GC pause. `npm run build`, then
// `node --expose-gc scripts/full-gc-floor.mjs [CAPACITY]` (default 5,000,000).
import { timeFullGc } from '../dist/harness/measure/forced-gc.js';
import { TypedArrayCache } from '../dist/implementations/typed-array.js';

const capacity = Number(process.argv[2] ?? 5e6);
const medianFullGcMs = () => timeFullGc(9).toFixed(2);
const heapMiB = () => (process.memoryUsage().heapUsed / 1048576).toFixed(1);

console.log(`Node ${process.version}, nothing loaded: full GC ${medianFullGcMs()} ms (median of 9), heap ${heapMiB()} MiB`);
const cache = new TypedArrayCache({ capacity });
for (let i = 0; i < capacity; i++) cache.insert({ userId: i, channelId: i & 1023, lastReadMessageId: 1, mentionCount: 0, updatedAt: 0 }, 0);
console.log(`${capacity.toLocaleString('en-US')} states in typed-array: full GC ${medianFullGcMs()} ms, heap ${heapMiB()} MiB`);
