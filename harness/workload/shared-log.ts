import type { RequestLog } from './request-log.js';

/**
 * The same log with every column in a SharedArrayBuffer, so worker threads read the requests
 * in place and the main thread sends them only request numbers.
 */
export function shareLog(log: RequestLog): RequestLog {
  const share = <T extends Uint8Array | Uint32Array | Float64Array>(array: T): T => {
    // A typed array's constructor builds one of its own kind; TypeScript types .constructor as Function.
    const shared = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
    shared.set(array);
    return shared;
  };
  return {
    count: log.count,
    type: share(log.type),
    userId: share(log.userId),
    channelId: share(log.channelId),
    messageId: share(log.messageId),
    listStart: share(log.listStart),
    list: share(log.list),
  };
}
