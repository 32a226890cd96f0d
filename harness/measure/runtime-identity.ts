/**
 * The runtime this process runs on, as it names itself: "v22.23.3" for Node, "bun 1.4.5",
 * "deno 2.9.6". Read in the child that measures, so a row says what really ran it.
 */
export function runtimeIdentity(): string {
  const bun = runtimeGlobal('Bun');
  if (bun !== undefined && 'version' in bun) return `bun ${String(bun.version)}`;
  const deno = runtimeGlobal('Deno');
  if (deno !== undefined && 'version' in deno && typeof deno.version === 'object' && deno.version !== null && 'deno' in deno.version) {
    return `deno ${String(deno.version.deno)}`;
  }
  return process.version;
}

/** The global object Bun or Deno defines (`Bun`, `Deno`), or undefined on a runtime without it (Node). */
export function runtimeGlobal(name: 'Bun' | 'Deno'): object | undefined {
  const value: unknown = name in globalThis ? Reflect.get(globalThis, name) : undefined;
  return typeof value === 'object' && value !== null ? value : undefined;
}
