import { closeSync, openSync, writeSync } from 'node:fs';
import type { ReadState } from '../../implementations/contract.js';

/** Numbers per state in a warm file: userId, channelId, lastReadMessageId, mentionCount, updatedAt. */
const WIDTH = 5;
/** States per write: 64k states, 2.5 MiB, so a 5M-state file never sits in memory whole. */
const CHUNK = 65_536;

/**
 * Writes states as a warm file: records of five little-endian float64s (Float64Array order on
 * every machine the lab runs on: x86-64 and arm64 are little-endian), the format every
 * service's --warm-file reads (Node's serve, and the Go and Rust services in references/).
 * Returns how many states it wrote.
 */
export function writeWarmFile(path: string, states: Iterable<ReadState>): number {
  const fd = openSync(path, 'w');
  const buffer = new Float64Array(CHUNK * WIDTH);
  let count = 0;
  let at = 0;
  const flush = (): void => {
    writeSync(fd, new Uint8Array(buffer.buffer, 0, at * 8));
    at = 0;
  };
  try {
    for (const state of states) {
      buffer[at] = state.userId;
      buffer[at + 1] = state.channelId;
      buffer[at + 2] = state.lastReadMessageId;
      buffer[at + 3] = state.mentionCount;
      buffer[at + 4] = state.updatedAt;
      at += WIDTH;
      count++;
      if (at === buffer.length) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return count;
}

/** Reads a warm file back, one state at a time. */
export function* readWarmFile(bytes: Uint8Array): Generator<ReadState> {
  if (bytes.byteLength % (WIDTH * 8) !== 0) throw new Error(`a warm file holds records of ${WIDTH * 8} bytes; this one has ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += WIDTH * 8) {
    yield {
      userId: view.getFloat64(at, true),
      channelId: view.getFloat64(at + 8, true),
      lastReadMessageId: view.getFloat64(at + 16, true),
      mentionCount: view.getFloat64(at + 24, true),
      updatedAt: view.getFloat64(at + 32, true),
    };
  }
}
