/**
 * The runtime this process runs on, as it names itself: "v22.23.3" for Node, "bun 1.4.5",
 * "deno 2.9.6". Read in the child that measures, so a row says what really ran it.
 */
export function runtimeIdentity(): string {
  const bun = (globalThis as { Bun?: { version: string } }).Bun;
  if (bun !== undefined) return `bun ${bun.version}`;
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  if (deno !== undefined) return `deno ${deno.version.deno}`;
  return process.version;
}
