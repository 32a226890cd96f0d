import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { CLOCK_CALIBRATION_SAMPLES } from '../tuning.js';

/**
 * A monotonic clock in performance.now()'s milliseconds that allocates nothing per read.
 *
 * On Node 20 `performance.now()` returns a freshly allocated heap number: 16 bytes a call, two
 * or three calls a request, which at 100,000 requests a second is a scavenge every few hundred
 * milliseconds by itself (a 2,000,000-call loop with a 1 MiB young generation ran 32
 * scavenges). `process.hrtime()` allocates an array and `hrtime.bigint()` a BigInt. This clock
 * instead calls WASI's `clock_time_get` (the same uv_hrtime() that performance.now() reads)
 * from a 150-byte WebAssembly module that converts the nanoseconds to milliseconds, subtracts
 * the offset that lines it up with performance.now(), and stores the result as a float64 in
 * its own memory, where `nowMs()` reads it: no heap number, no array, no BigInt.
 *
 * Which of the two allocates depends on the runtime. Spinning on each for 500 ms (2026-11-27,
 * test/support/clock-reads-child.ts): on Node 20.20 and 22.23 performance.now() allocated
 * 92-126 MB and the WASI clock nothing; on Node 24.21 and Deno 2.9 the reverse: performance.now()
 * nothing (a V8 fast API call there, whose double never becomes a heap number) and the call
 * into WASI 24 bytes a read on Node 24, 128 on Deno. On Node 24 the driver's spin on the WASI
 * clock allocated 33 KB a request, 17 times what the rest of a request did. Bun (JavaScriptCore
 * keeps doubles unboxed) allocated with neither. So the WASI clock is used only on Node before
 * 24; Bun and Deno report a Node version of 26.
 *
 * Where WASI is missing there it falls back to performance.now() (and allocates again);
 * `clockAllocates` says when.
 */

/** The module, assembled here rather than shipped as a binary (see the comment above). */
function clockModuleBytes(): Uint8Array<ArrayBuffer> {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n !== 0) byte |= 0x80;
      out.push(byte);
    } while (n !== 0);
    return out;
  };
  const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'latin1')];
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
  const f64 = (x: number): number[] => [...new Uint8Array(new Float64Array([x]).buffer)];
  const body = (code: number[]): number[] => [...uleb(code.length), ...code];
  const [I32, I64, F64] = [0x7f, 0x7e, 0x7c];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: 0 clock_time_get (i32 id, i64 precision, i32 out) -> i32; 1 () -> i32; 2 (f64) -> (); 3 () -> ()
    ...section(
      1,
      vec([
        [0x60, 3, I32, I64, I32, 1, I32],
        [0x60, 0, 1, I32],
        [0x60, 1, F64, 0],
        [0x60, 0, 0],
      ]),
    ),
    ...section(2, vec([[...name('wasi_snapshot_preview1'), ...name('clock_time_get'), 0x00, 0]])),
    ...section(3, vec([[1], [2], [3]])),
    ...section(5, vec([[0x00, 1]])), // one page of memory
    ...section(6, vec([[F64, 0x01, 0x44, ...f64(0), 0x0b]])), // mutable f64 global: the offset
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        [...name('tick'), 0x00, 1],
        [...name('setOffset'), 0x00, 2],
        [...name('_initialize'), 0x00, 3],
      ]),
    ),
    ...section(
      10,
      vec([
        // tick: err = clock_time_get(MONOTONIC, 1, 8); f64[0] = u64[1] / 1e6 - offset; return err
        body([
          ...[0x01, 0x01, I32], // one i32 local
          ...[0x41, 0x01, 0x42, 0x01, 0x41, 0x08, 0x10, 0x00, 0x21, 0x00],
          ...[0x41, 0x00, 0x41, 0x08, 0x29, 0x03, 0x00, 0xba, 0x44, ...f64(1e6), 0xa3, 0x23, 0x00, 0xa1, 0x39, 0x03, 0x00],
          ...[0x20, 0x00, 0x0b],
        ]),
        body([0x00, 0x20, 0x00, 0x24, 0x00, 0x0b]), // setOffset(x): offset = x
        body([0x00, 0x0b]), // _initialize: nothing
      ]),
    ),
  ]);
}

interface ClockExports {
  readonly memory: WebAssembly.Memory;
  readonly tick: () => number;
  readonly setOffset: (offsetMs: number) => void;
}

function instantiate(): ClockExports | undefined {
  try {
    // node:wasi warns that it is experimental once, when loaded; the clock is all it is used for.
    const emitWarning = process.emitWarning;
    let wasiModule: typeof import('node:wasi');
    process.emitWarning = () => {};
    try {
      // require() is untyped; node:wasi's own types describe what it returns.
      wasiModule = createRequire(import.meta.url)('node:wasi') as typeof import('node:wasi');
    } finally {
      process.emitWarning = emitWarning;
    }
    const wasi = new wasiModule.WASI({ version: 'preview1' });
    // Node types getImportObject() as a plain object; it is the WASI import object WebAssembly takes.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(clockModuleBytes()), wasi.getImportObject() as WebAssembly.Imports);
    wasi.initialize(instance);
    // WebAssembly types exports as a record of Function, Memory, Global and Table; clockModuleBytes' module exports these.
    const exports = instance.exports as unknown as ClockExports;
    if (exports.tick() !== 0) return undefined; // WASI refused the clock
    return exports;
  } catch {
    return undefined;
  }
}

/** performance.now() allocates a heap number per call on Node 20-23 only (see above). */
const performanceNowAllocates = Number(process.versions.node.split('.')[0]) < 24;

const wasm = performanceNowAllocates ? instantiate() : undefined;
const cell = wasm === undefined ? new Float64Array(1) : new Float64Array(wasm.memory.buffer, 0, 1);
const tick: () => number =
  wasm?.tick ??
  ((): number => {
    cell[0] = performance.now();
    return 0;
  });

/** True when the clock allocates on every read: performance.now() on a Node without WASI. */
export const clockAllocates = wasm === undefined && performanceNowAllocates;

if (wasm !== undefined) {
  // Line the clock up with performance.now(): both read uv_hrtime(), so the offset is a constant;
  // it is taken from the tightest of several bracketing pairs (within a few tens of ns).
  let tightest = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let i = 0; i < CLOCK_CALIBRATION_SAMPLES; i++) {
    const before = performance.now();
    tick();
    const raw = cell[0]!;
    const after = performance.now();
    if (after - before < tightest) {
      tightest = after - before;
      offset = raw - (before + after) / 2;
    }
  }
  wasm.setOffset(offset);
}

/**
 * performance.now(), without allocating: milliseconds on the same origin, monotonic. Small
 * enough that V8 inlines it, so the float never becomes a heap number in optimized code.
 */
export function nowMs(): number {
  tick();
  return cell[0]!;
}
