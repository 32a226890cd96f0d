import { compiledDriverUnavailableReason } from '../drive/compiled-driver-binary.js';
import { UsageError } from '../errors.js';
import type { ServiceLevelDriver } from '../results/schema.js';

/** --target as load takes it: a service on this machine, http://HOST:PORT; returned without a trailing slash. */
export function checkTarget(raw: string): string {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d{1,5}\/?$/.test(raw)) {
    throw new UsageError(`--target must be http://HOST:PORT on this machine (127.0.0.1, localhost or [::1]), got "${raw}"`);
  }
  const port = Number(/:(\d+)\/?$/.exec(raw)![1]);
  if (port < 1 || port > 65_535) throw new UsageError(`--target's port must be from 1 to 65535, got ${port}`);
  return raw.replace(/\/$/, '');
}

/**
 * The driver --driver and --closed-loop ask for: the compiled one by default where it is built,
 * else the Node one, with a line saying why (`note`).
 */
export function chooseDriver(flag: string | undefined, closedLoop: boolean): { name: ServiceLevelDriver; note?: string } {
  if (closedLoop) {
    if (flag !== undefined) throw new UsageError('--driver chooses the open-loop driver; --closed-loop drives autocannon: give one or the other');
    return { name: 'closed-loop' };
  }
  if (flag !== undefined && flag !== 'compiled' && flag !== 'node') throw new UsageError(`--driver must be compiled or node, not "${flag}"`);
  const unavailable = compiledDriverUnavailableReason();
  if (flag === 'compiled' && unavailable !== undefined) throw new UsageError(`--driver compiled: ${unavailable}`);
  if (flag === 'node') return { name: 'open-loop' };
  if (unavailable !== undefined) return { name: 'open-loop', note: `${unavailable}; using the Node driver` };
  return { name: 'open-loop-compiled' };
}
