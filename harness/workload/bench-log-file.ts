import { closeSync, openSync, writeSync } from 'node:fs';
import type { RequestLog } from './request-log.js';

/** The first 8 bytes of a bench request log file: its format and version. */
export const BENCH_LOG_MAGIC = 'RSLLOG1\n';

/**
 * Writes a request log as the reference programs' bench mode reads it (`go-lru bench`,
 * `rust-btree bench`): the log's own typed arrays, column after column, so the file is written
 * without a per-request step. Little-endian (every machine the lab runs on): the magic, a uint32
 * count, a uint32 list length, then type uint8[count], userId uint32[count], channelId
 * uint32[count], messageId float64[count], listStart uint32[count + 1], list uint32[listLength].
 */
export function writeBenchLogFile(path: string, log: RequestLog): void {
  const header = Buffer.alloc(16);
  header.write(BENCH_LOG_MAGIC, 0, 'latin1');
  header.writeUInt32LE(log.count, 8);
  header.writeUInt32LE(log.list.length, 12);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    const n = log.count;
    const columns = [log.type, log.userId, log.channelId, log.messageId, log.listStart.subarray(0, n + 1), log.list];
    for (const column of columns) {
      writeSync(fd, new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    }
  } finally {
    closeSync(fd);
  }
}
