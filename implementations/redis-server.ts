import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The `redis` contenders keep their read states in a redis-server the lab starts itself
 * (Debian's `redis-server` package). The lab never links Redis: it only needs the executable.
 */

/** The redis-server on PATH, or undefined when none is installed. */
export function redisServerExecutable(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Why the redis contenders cannot run here, or undefined when redis-server is installed. */
export function redisUnavailableReason(): string | undefined {
  return redisServerExecutable() === undefined ? 'redis-server is not installed (apt-get install -y redis-server)' : undefined;
}
