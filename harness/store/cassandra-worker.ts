import { CassandraStoreBackend } from './cassandra-backend.js';
import { CassandraBatches, messageOf } from './cassandra-batches.js';
import { describeCassandraTarget } from './cassandra-target.js';
import type { StoreReply, StoreRequest, StoreWorkerOptions } from './protocol.js';

/**
 * The store worker's start with a Cassandra store: connect, check a write reads back, say
 * ready, and return what handles each request (store/cassandra-batches.ts, which keeps the
 * store protocol's order while reads and writes are out together). A cluster that cannot be reached is a startup error, one line, as a SQLite
 * file that cannot be opened is; then it returns undefined.
 */
export async function openCassandraStore(
  options: StoreWorkerOptions,
  post: (reply: StoreReply, transfer?: ArrayBuffer[]) => void,
): Promise<((request: StoreRequest) => void) | undefined> {
  const target = options.cassandra;
  let backend: CassandraStoreBackend | undefined;
  try {
    if (target === undefined) throw new Error('no Cassandra cluster was named');
    backend = await CassandraStoreBackend.open(target);
    const batches = new CassandraBatches(backend, post);
    await backend.selfTest(batches.takeStamps(2));
    post({ kind: 'ready', seq: -1 });
    return (request) => batches.add(request);
  } catch (error) {
    await backend?.close().catch(() => {});
    const where = target === undefined ? '' : `${describeCassandraTarget(target)}: `;
    post({ kind: 'startup-error', seq: -1, message: `${where}${messageOf(error)}` });
    return undefined;
  }
}
