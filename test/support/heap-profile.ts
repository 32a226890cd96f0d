import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';

/** A sampling heap profile under way: `printSites` stops it and prints where the bytes went. */
export interface HeapProfile {
  /** Stops sampling and prints the 25 heaviest sites on stderr, in bytes per `unit` over `count` of them. */
  printSites(count: number, unit: string, digits: number): Promise<void>;
}

/**
 * V8's sampling heap profiler from `startAtMs` (a performance.now() time) on, keeping samples
 * of objects the GC already freed, so the sites that allocate garbage show. For the allocation
 * test children, behind an environment flag; undefined when `enabled` is false.
 */
export function heapProfileFrom(enabled: boolean, startAtMs: number): HeapProfile | undefined {
  if (!enabled) return undefined;
  const session = new Session();
  session.connect();
  const started = new Promise<void>((resolve) =>
    setTimeout(() => {
      session
        .post('HeapProfiler.startSampling', {
          samplingInterval: 64,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        } as never)
        .then(() => resolve());
    }, startAtMs - performance.now()),
  );
  return {
    async printSites(count, unit, digits) {
      await started;
      printSites((await session.post('HeapProfiler.stopSampling')).profile, count, unit, digits);
    },
  };
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** The allocation sites of a sampling heap profile, heaviest first. */
function printSites(profile: { head: ProfileNode }, count: number, unit: string, digits: number): void {
  const bySite = new Map<string, number>();
  const walk = (node: ProfileNode, stack: string[]): void => {
    const frame = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    const path = [...stack, frame];
    if (node.selfSize > 0) {
      const site = path.slice(-4).join(' < ');
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, path);
  };
  walk(profile.head, []);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    process.stderr.write(`${(bytes / count).toFixed(digits).padStart(8)} B/${unit}  ${site}\n`);
  }
}
