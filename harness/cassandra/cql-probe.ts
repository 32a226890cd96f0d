/**
 * Whether something listens on a port, and whether it is CQL: a raw OPTIONS frame (protocol v4)
 * answered by SUPPORTED. Lighter than loading cassandra-driver for a yes or no, so `status`
 * and the start-up wait can ask every second.
 */
import { connect, type Socket } from 'node:net';
import { CQL_PORT } from './cluster.js';

/** An OPTIONS request: version 4, no flags, stream 0, opcode 0x05, no body. */
const OPTIONS_FRAME = Buffer.from([0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00]);
const SUPPORTED_OPCODE = 0x06;
const PROBE_TIMEOUT_MS = 2_000;

function withSocket<T>(address: string, port: number, onConnect: (socket: Socket, done: (value: T) => void) => void, failed: T): Promise<T> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    let settled = false;
    const done = (value: T) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(failed));
    socket.once('error', () => done(failed));
    socket.once('connect', () => onConnect(socket, done));
  });
}

/** Whether a TCP connection to address:port is accepted. */
export function portListening(address: string, port: number): Promise<boolean> {
  return withSocket(address, port, (_socket, done) => done(true), false);
}

/** Whether address answers a CQL OPTIONS request on the CQL port. */
export function cqlAnswers(address: string, port = CQL_PORT): Promise<boolean> {
  return withSocket(
    address,
    port,
    (socket, done) => {
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= 9) done((received[0]! & 0x7f) === 0x04 && received[4] === SUPPORTED_OPCODE);
      });
      socket.once('end', () => done(false));
      socket.write(OPTIONS_FRAME);
    },
    false,
  );
}
