import type { Runtime } from './locate.js';

/** A command line that starts a script on a runtime, and the flags it was given in its terms. */
export interface Launch {
  readonly file: string;
  readonly args: readonly string[];
  /** The runtime flags the command line carries, as the row records them. */
  readonly flags: readonly string[];
}

/**
 * Flags Bun acts on. Bun runs JavaScriptCore, not V8, and accepts any other flag silently
 * (`bun --no-such-flag` starts), so V8 flags are left out rather than recorded as if they
 * had changed anything.
 */
const BUN_FLAGS = new Set(['--expose-gc', '--smol']);

/** A script to start and the flags Node needs for it (harness/entry-points.ts childEntry). */
export interface Entry {
  readonly file: string;
  /** For Node: tsx's loader from source, source maps from dist/. Other runtimes need neither. */
  readonly execArgv: readonly string[];
}

/**
 * Starts `entry` (compiled JavaScript from dist/, or TypeScript from the sources) with `flags`
 * written as for Node (`--expose-gc`, `--max-old-space-size=N`):
 *
 * - Node: the flags as they are, then the entry's own (tsx from source).
 * - Bun: the flags it knows; it runs TypeScript itself and maps the sources' `.js` imports
 *   to their `.ts` files.
 * - Deno: `deno run -A`, every flag a V8 flag through `--v8-flags=` (a flag V8 does not know
 *   stops Deno with one line); `--sloppy-imports` maps `.js` imports to `.ts` from source.
 */
export function launchScript(runtime: Runtime, flags: readonly string[], entry: Entry, args: readonly string[]): Launch {
  const script = entry.file;
  const fromSource = script.endsWith('.ts');
  switch (runtime.family) {
    case 'node':
      return { file: runtime.executable, args: [...flags, ...entry.execArgv, script, ...args], flags };
    case 'bun': {
      const kept = flags.filter((flag) => BUN_FLAGS.has(flag.split('=')[0]!));
      return { file: runtime.executable, args: [...kept, script, ...args], flags: kept };
    }
    case 'deno': {
      const v8 = flags.length === 0 ? [] : [`--v8-flags=${flags.join(',')}`];
      const imports = fromSource ? ['--sloppy-imports'] : [];
      return { file: runtime.executable, args: ['run', '-A', ...imports, ...v8, script, ...args], flags: v8 };
    }
  }
}
