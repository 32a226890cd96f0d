/**
 * Cassandra's jars, from Maven Central through `mvn`: the pom in the lab's references pins the
 * version, and the jars and the classpath file live under the cache folder, so they are
 * downloaded once and reused by every later start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, UsageError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { cassandraCacheFolder } from './cluster.js';

/** The pom that pins cassandra-all. */
export const CASSANDRA_POM = join(packageRoot, 'references', 'cassandra', 'pom.xml');

/** Long enough for the first download (about 90 MB) on a slow link; later resolutions read the cache. */
const RESOLVE_TIMEOUT_MS = 15 * 60_000;

function classpathFile(): string {
  return join(cassandraCacheFolder(), 'classpath.txt');
}

/** The local Maven repository the jars go into, apart from the user's own ~/.m2. */
export function jarFolder(): string {
  return join(cassandraCacheFolder(), 'm2');
}

function readClasspath(): string | undefined {
  if (!existsSync(classpathFile())) return undefined;
  const classpath = readFileSync(classpathFile(), 'utf8').trim();
  const jars = classpath.split(':');
  return jars.length > 1 && jars.every((jar) => existsSync(jar)) ? classpath : undefined;
}

/** Cassandra's classpath, resolving it with mvn first when the cache does not hold every jar. */
export function cassandraClasspath(print: (line: string) => void): string {
  const cached = readClasspath();
  if (cached !== undefined) return cached;
  mkdirSync(cassandraCacheFolder(), { recursive: true });
  print(`resolving Cassandra's jars with mvn into ${jarFolder()} (once; about 90 MB) ...`);
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', CASSANDRA_POM, 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile()}`, `-Dmaven.repo.local=${jarFolder()}`],
    { encoding: 'utf8', timeout: RESOLVE_TIMEOUT_MS },
  );
  if (errorCode(result.error) === 'ENOENT') {
    throw new UsageError('mvn was not found on PATH: Cassandra is resolved from Maven Central with it (apt-get install -y maven)');
  }
  const resolved = result.status === 0 ? readClasspath() : undefined;
  if (resolved === undefined) {
    const last = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-1)[0] ?? '';
    throw new UsageError(`mvn could not resolve Cassandra's jars from ${CASSANDRA_POM}: ${result.error?.message ?? last}`);
  }
  return resolved;
}
