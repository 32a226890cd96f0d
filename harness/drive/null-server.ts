import { execa, type ResultPromise } from 'execa';
import { SERVE_START_TIMEOUT_MS, SERVICE_STOP_TIMEOUT_MS } from '../tuning.js';
import { compiledDriverPath, compiledDriverUnavailableReason } from './compiled-driver-binary.js';
import { waitForListening } from './serve-listening.js';

/** A server that answers every request 200 `{}` at once, in a process of its own, on 127.0.0.1. */
export interface NullServer {
  readonly url: string;
  /** What it is, for the results: which program answered. */
  readonly description: string;
  stop(): Promise<void>;
}

/**
 * The Node null server, for machines without the compiled driver: node:http with nothing
 * behind it, as small as a Node server gets. CommonJS for `node -e`, so it needs no file.
 */
const NODE_NULL_SERVER = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    response.end('{}');
  });
  request.resume();
});
server.listen(0, '127.0.0.1', () => process.stdout.write('listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * Starts a null server: the compiled driver's own (`load-driver null-server`, Go) when it is
 * built, since it answers in microseconds and leaves the driver's figures as the driver's; else
 * the Node one above, whose own few tens of microseconds per answer then count in the floor.
 */
export async function startNullServer(): Promise<NullServer> {
  const compiled = compiledDriverUnavailableReason() === undefined;
  const [file, args, description] = compiled
    ? [compiledDriverPath(), ['null-server', '--listen', '127.0.0.1:0'], 'the compiled driver null server (Go)']
    : [process.execPath, ['-e', NODE_NULL_SERVER], `a Node null server (node:http, ${process.version})`];
  const child: ResultPromise = execa(file, args, { reject: false, all: true, stdin: 'ignore', forceKillAfterDelay: SERVICE_STOP_TIMEOUT_MS });
  try {
    const url = await waitForListening(child, SERVE_START_TIMEOUT_MS, 'the null server');
    return {
      url,
      description,
      stop: async () => {
        child.kill('SIGTERM');
        await child;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await child;
    throw error;
  }
}
