/**
 * Loaded first (node --import) by `npm run test:fast`, which runs test/*.unit.test.ts: in each
 * test file's process (the runner's children, NODE_TEST_CONTEXT set), starting a process or
 * listening on a port throws, naming the tier's rule. So a test that starts the CLI, a child, a
 * server or a browser fails in the fast tier instead of slowing it down, and belongs in a file
 * without the .unit suffix, which npm test runs with the rest. Worker threads are allowed.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function refuse(what: string): () => never {
  return () => {
    throw new Error(`the fast tier (test/*.unit.test.ts) ${what}: move this test to a file without .unit (npm test runs it)`);
  };
}

if (process.env.NODE_TEST_CONTEXT !== undefined) {
  const spawning = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
  for (const name of spawning) (childProcess as unknown as Record<string, unknown>)[name] = refuse(`starts no process (child_process.${name})`);
  net.Server.prototype.listen = refuse('listens on no port (a server)');
  // The named exports (import { spawn } from 'node:child_process') follow the patched module.
  syncBuiltinESMExports();
}
