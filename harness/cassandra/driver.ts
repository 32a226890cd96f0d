import type cassandra from 'cassandra-driver';

/**
 * cassandra-driver, loaded on first use. Every CLI process and every measured child reaches the
 * modules that talk to Cassandra, and a static import cost each of them about 85 ms of start-up
 * and the driver's objects on the measured heap, whether or not it used `--store cassandra`.
 */
export async function cassandraDriver(): Promise<typeof cassandra> {
  return (await import('cassandra-driver')).default;
}
