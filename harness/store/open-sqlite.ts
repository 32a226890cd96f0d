import type { StoreBackend } from './protocol.js';

/**
 * The SQLite backend this runtime can load: better-sqlite3 where its addon loads (the system
 * Node it was built for), else the runtime's own `node:sqlite` (Node 22/24, Bun, Deno), which
 * stores the same table with the same statements. Only a failure to load better-sqlite3 falls
 * back; a database that cannot be opened is an error either way.
 */
export async function openSqliteBackend(path: string): Promise<StoreBackend> {
  let betterSqlite: typeof import('./sqlite-backend.js') | undefined;
  try {
    betterSqlite = await import('./sqlite-backend.js');
    return new betterSqlite.SqliteStoreBackend(path);
  } catch (error) {
    if (betterSqlite !== undefined && !isAddonLoadFailure(error)) throw error;
    const { NodeSqliteStoreBackend } = await import('./node-sqlite-backend.js');
    return new NodeSqliteStoreBackend(path);
  }
}

/** better-sqlite3 loads its addon when the first database opens, so a failure there is a load failure too. */
function isAddonLoadFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION|not yet supported in Bun|native addon|\.node\b/.test(message);
}
