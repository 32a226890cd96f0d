import { closeSync, openSync, writeSync } from 'node:fs';
import type { RequestLog } from '../workload/request-log.js';
import { httpRequestAt } from './http-request.js';

/** The first 8 bytes of a request file: its format and version. */
export const REQUEST_FILE_MAGIC = 'RSLREQ1\n';
/** Method codes of the request file, as the compiled driver reads them. */
export const METHOD_GET = 0;
export const METHOD_POST = 1;
/** Bytes before each request's path: method, type, path length, body length. */
const REQUEST_HEADER_BYTES = 8;
/** Bytes gathered before each write: few writes, little memory, whatever the log's size. */
const CHUNK_BYTES = 1 << 20;

/**
 * Writes a request log as the compiled driver (references/load-driver) reads it, every request
 * already in its HTTP form so the driver only copies bytes: little-endian, the magic, a uint32
 * count, then per request a uint8 method (METHOD_GET, METHOD_POST), a uint8 type (the
 * REQUEST_TYPES index, for the per-type histograms), a uint16 path length, a uint32 body
 * length, the path and the body (UTF-8). Paths are the API's own: the driver puts the service
 * URL's base path, if it has one, before each.
 */
export function writeRequestFile(path: string, log: RequestLog): void {
  const fd = openSync(path, 'w');
  try {
    let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let used = 0;
    const flush = (): void => {
      writeSync(fd, chunk, 0, used);
      used = 0;
    };
    const header = Buffer.alloc(12);
    header.write(REQUEST_FILE_MAGIC, 0, 'latin1');
    header.writeUInt32LE(log.count, 8);
    writeSync(fd, header);
    for (let i = 0; i < log.count; i++) {
      const request = httpRequestAt(log, i);
      const pathBytes = Buffer.byteLength(request.path);
      const bodyBytes = request.body === undefined ? 0 : Buffer.byteLength(request.body);
      if (pathBytes > 0xffff) throw new Error(`request ${i}: its path is ${pathBytes} bytes, more than a request file holds (65,535)`);
      const size = REQUEST_HEADER_BYTES + pathBytes + bodyBytes;
      if (used + size > chunk.length) {
        flush();
        // One request larger than a chunk (a reconnect to thousands of channels) gets a chunk of its own size.
        if (size > chunk.length) chunk = Buffer.allocUnsafe(size);
      }
      chunk.writeUInt8(request.method === 'GET' ? METHOD_GET : METHOD_POST, used);
      chunk.writeUInt8(log.type[i]!, used + 1);
      chunk.writeUInt16LE(pathBytes, used + 2);
      chunk.writeUInt32LE(bodyBytes, used + 4);
      used += REQUEST_HEADER_BYTES;
      used += chunk.write(request.path, used, 'utf8');
      if (request.body !== undefined) used += chunk.write(request.body, used, 'utf8');
    }
    flush();
  } finally {
    closeSync(fd);
  }
}
