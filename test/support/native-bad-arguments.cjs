// Drives the raw native addon (no TypeScript wrapper) with bad arguments, one case per line of
// output. Run in a child process by test/native-addon-rejects-bad-arguments.test.ts, because a
// case the addon does not guard kills the process (SIGSEGV) instead of failing an assertion.
//
//   node --expose-gc test/support/native-bad-arguments.cjs <path to readstate_native.node>
//
// Prints "ok <case>: <ErrorName>: <message>" for a case that threw the expected JS error,
// "FAIL <case>: ..." otherwise; exits 1 if any case failed, 0 if all passed.
'use strict';

const { NativeCache } = require(process.argv[2]);

const WIDTH = 5;
const scratch = () => new Float64Array(WIDTH);

/** The addon's ack takes the message id in its scratch array's slot 2 (native-cache.ts). */
function ack(cache, userId, channelId, messageId, ...rest) {
  cache.scratchArray[2] = messageId;
  return cache.ack(userId, channelId, ...rest);
}

/** An open cache holding one dirty entry, (1, 1). */
function open() {
  const shared = scratch();
  const cache = new NativeCache(4, shared);
  cache.scratchArray = shared;
  cache.insert(1, 1, 0, 0, 0);
  ack(cache, 1, 1, 5, 1);
  return cache;
}

function closed() {
  const cache = open();
  cache.close();
  return cache;
}

const out = (states) => new Float64Array(states * WIDTH);

/** [case, expected error class, call]. */
const cases = [
  // Calls after close(): each one used to dereference a freed pointer.
  ['read after close', Error, () => closed().read(1, 1)],
  ['ack after close', Error, () => ack(closed(), 1, 1, 7, 2)],
  ['mention after close', Error, () => closed().mention(1, 1, 2)],
  ['insert after close', Error, () => closed().insert(2, 2, 0, 0, 0)],
  ['drain after close', Error, () => closed().drain(Infinity, 1, out(1))],
  ['dump after close', Error, () => closed().dump(0, out(1))],
  ['size after close', Error, () => closed().size()],
  ['bytes after close', Error, () => closed().bytes()],

  // Capacity.
  ['capacity 0', RangeError, () => new NativeCache(0, scratch())],
  ['capacity -1', RangeError, () => new NativeCache(-1, scratch())],
  ['capacity NaN', RangeError, () => new NativeCache(Number.NaN, scratch())],
  ['capacity 1e18', RangeError, () => new NativeCache(1e18, scratch())],
  ['capacity 1.5', RangeError, () => new NativeCache(1.5, scratch())],
  ['capacity 2^32', RangeError, () => new NativeCache(2 ** 32, scratch())],
  ['capacity Infinity', RangeError, () => new NativeCache(Infinity, scratch())],
  ['capacity a string', TypeError, () => new NativeCache('4', scratch())],

  // Scratch buffer: the addon writes 5 doubles into it on every read hit and dirty eviction.
  ['scratch of 1 byte', TypeError, () => new NativeCache(4, new Uint8Array(1))],
  ['scratch a Uint8Array of 40 bytes', TypeError, () => new NativeCache(4, new Uint8Array(40))],
  ['scratch a Float64Array of 4', RangeError, () => new NativeCache(4, new Float64Array(4))],
  ['scratch a Float64Array of 0', RangeError, () => new NativeCache(4, new Float64Array(0))],
  ['scratch a plain array', TypeError, () => new NativeCache(4, [0, 0, 0, 0, 0])],
  ['scratch a DataView', TypeError, () => new NativeCache(4, new DataView(new ArrayBuffer(40)))],

  // drain/dump out buffers.
  ['drain out too short for max', RangeError, () => open().drain(Infinity, 2, out(1))],
  ['drain out of 4 numbers', RangeError, () => open().drain(Infinity, 1, new Float64Array(4))],
  ['drain out a Uint8Array', TypeError, () => open().drain(Infinity, 1, new Uint8Array(400))],
  ['drain out not a typed array', TypeError, () => open().drain(Infinity, 1, {})],
  ['drain max -1', RangeError, () => open().drain(Infinity, -1, out(1))],
  ['drain max NaN', RangeError, () => open().drain(Infinity, Number.NaN, out(1))],
  ['drain max Infinity', RangeError, () => open().drain(Infinity, Infinity, out(256))],
  ['dump out of 4 numbers', RangeError, () => open().dump(0, new Float64Array(4))],
  ['dump out of 0 numbers', RangeError, () => open().dump(0, new Float64Array(0))],
  ['dump out a Uint8Array', TypeError, () => open().dump(0, new Uint8Array(400))],
  ['dump fromSlot -1', RangeError, () => open().dump(-1, out(1))],

  // Argument counts.
  ['constructor with 1 argument', TypeError, () => new NativeCache(4)],
  ['constructor with no arguments', TypeError, () => new NativeCache()],
  ['constructor called without new', TypeError, () => NativeCache(4, scratch())],
  ['read with 1 argument', TypeError, () => open().read(1)],
  ['read with 3 arguments', TypeError, () => open().read(1, 1, 1)],
  ['ack with 2 arguments', TypeError, () => ack(open(), 1, 1, 5)],
  ['mention with 2 arguments', TypeError, () => open().mention(1, 1)],
  ['insert with 4 arguments', TypeError, () => open().insert(2, 2, 0, 0)],
  ['drain with 2 arguments', TypeError, () => open().drain(Infinity, 1)],
  ['dump with 1 argument', TypeError, () => open().dump(0)],

  // Types and ranges of numbers.
  ['read userId a string', TypeError, () => open().read('1', 1)],
  ['read channelId null', TypeError, () => open().read(1, null)],
  ['read userId a BigInt', TypeError, () => open().read(1n, 1)],
  ['ack now undefined', TypeError, () => ack(open(), 1, 1, 5, undefined)],
  ['mention now an object', TypeError, () => open().mention(1, 1, {})],
  ['insert updatedAt a string', TypeError, () => open().insert(2, 2, 0, 0, '0')],
  ['drain olderThan a string', TypeError, () => open().drain('9', 1, out(1))],
  ['read userId 2^32', RangeError, () => open().read(2 ** 32, 1)],
  ['read channelId 2^32', RangeError, () => open().read(1, 2 ** 32)],
  ['read userId -1', RangeError, () => open().read(-1, 1)],
  ['read userId 1.5', RangeError, () => open().read(1.5, 1)],
  ['read userId NaN', RangeError, () => open().read(Number.NaN, 1)],
  ['insert userId 2^32', RangeError, () => open().insert(2 ** 32, 1, 0, 0, 0)],
  ['insert mentions -1', RangeError, () => open().insert(2, 2, 0, -1, 0)],
  ['ack messageId -1', RangeError, () => ack(open(), 1, 1, -1, 2)],
  ['ack messageId NaN', RangeError, () => ack(open(), 1, 1, Number.NaN, 2)],
  ['ack messageId Infinity', RangeError, () => ack(open(), 1, 1, Infinity, 2)],
  ['insert lastRead -1', RangeError, () => open().insert(2, 2, -1, 0, 0)],

  // A method called on something that is not a NativeCache.
  ['read on a plain object', Error, () => NativeCache.prototype.read.call({}, 1, 1)],
];

let failed = 0;
for (const [name, expected, call] of cases) {
  try {
    call();
    failed++;
    console.log(`FAIL ${name}: did not throw`);
  } catch (error) {
    if (error instanceof expected) {
      console.log(`ok ${name}: ${error.name}: ${error.message}`);
    } else {
      failed++;
      console.log(`FAIL ${name}: threw ${error?.name ?? typeof error} (${error?.message ?? error}), expected ${expected.name}`);
    }
  }
}

// close() twice, then the finalizer of a closed cache: neither may free the entries again.
{
  const cache = open();
  cache.close();
  cache.close();
  console.log('ok close twice: no error');
}

// A capacity that is in range but whose memory the machine does not have (about 200 GB): a
// thrown RangeError where the allocation fails; an OS that overcommits may hand it out.
try {
  const huge = new NativeCache(0xffff_fffd, scratch());
  huge.close();
  console.log('ok capacity 0xfffffffd: allocated (this OS overcommits memory)');
} catch (error) {
  if (error instanceof RangeError) console.log(`ok capacity 0xfffffffd: ${error.name}: ${error.message}`);
  else {
    failed++;
    console.log(`FAIL capacity 0xfffffffd: threw ${error?.name}, expected RangeError`);
  }
}

// The addon still works after all that.
{
  const cache = new NativeCache(2, scratch());
  cache.insert(7, 8, 3, 0, 0);
  if (cache.read(7, 8) !== true || cache.size() !== 1) {
    failed++;
    console.log('FAIL a good cache after the bad calls: read or size is wrong');
  } else console.log('ok a good cache after the bad calls: works');
  cache.close();
}

// Run the finalizers of every cache made above, closed ones included.
if (typeof globalThis.gc === 'function') {
  for (let i = 0; i < 3; i++) globalThis.gc();
}
setImmediate(() => {
  console.log(`${failed === 0 ? 'all' : 'not all'} ${cases.length + 3} cases passed`);
  process.exitCode = failed === 0 ? 0 : 1;
});
