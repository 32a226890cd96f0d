import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectRefusedInProcess } from './support/cli-in-process.js';

/** A home folder with no lab cache in it: no Cassandra was ever started from there. */
const emptyHome = mkdtempSync(join(tmpdir(), 'rsl-no-cassandra-'));

describe('--store: one line and exit 2 for what cannot be a store', () => {
  for (const command of [['run'], ['sweep'], ['load'], ['serve', '--impl', 'typed-array']]) {
    it(`${command[0]} --store cassandra with no Cassandra running says how to start one`, async () => {
      await expectRefusedInProcess([...command, '--store', 'cassandra'], /no Cassandra is running: start one with readstate-lab cassandra start/, {
        HOME: emptyHome,
      });
    });
  }

  for (const [args, message] of [
    [['run', '--store', 'mongo'], /--store must be one of sqlite, memory, cassandra\[:HOST,\.\.\.\], got "mongo"/],
    [['run', '--store', 'sqlite:db1'], /--store sqlite takes no hosts/],
    [['run', '--store', 'cassandra:127.0.0.1,bad host'], /needs host names or addresses, got "bad host"/],
    [['run', '--store', 'cassandra:'], /needs host names or addresses, got ""/],
    [['run', '--store', 'cassandra:127.0.0.1', '--store-latency', 'cassandra-2020'], /with --store cassandra the database is real/],
    [['load', '--store', 'memory'], /--store memory is for run/],
    [['serve', '--impl', 'typed-array', '--store', 'cassandra:127.0.0.1', '--db', 'Not-A-Table'], /--db with --store cassandra names a table/],
  ] as const) {
    it(`refuses ${args.join(' ')}`, async () => {
      await expectRefusedInProcess(args, message, { HOME: emptyHome });
    });
  }
});
