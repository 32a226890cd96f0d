import { spawnSync } from 'node:child_process';
import { UsageError } from '../errors.js';
import { BASE_NODE_FLAGS } from '../tuning.js';

/**
 * A named set of V8 flags, as Discord tuned Go's GC before the rewrite: the young generation's
 * size (how often scavenges run, and how much survives into the old generation the forced full
 * GC must mark), the young-generation collector, and background GC threads.
 */
interface GcVariant {
  readonly name: string;
  readonly about: string;
  /** The flags on this Node (its `--v8-options`), or a reason it has none. */
  readonly flags: (v8Options: ReadonlySet<string>) => readonly string[] | { readonly missing: string };
}

const has =
  (flag: string, value?: string) =>
  (v8Options: ReadonlySet<string>): readonly string[] | { readonly missing: string } =>
    v8Options.has(flag) ? [value === undefined ? flag : `${flag}=${value}`] : { missing: `this Node (${process.version}) has no ${flag}` };

export const GC_VARIANTS: readonly GcVariant[] = [
  { name: 'default', about: "V8's own settings", flags: () => [] },
  { name: 'semi-16', about: 'semi-spaces of at most 16 MB (a 32 MB young generation)', flags: has('--max-semi-space-size', '16') },
  { name: 'semi-64', about: 'semi-spaces of at most 64 MB: fewer scavenges, fewer objects promoted', flags: has('--max-semi-space-size', '64') },
  { name: 'semi-128', about: 'semi-spaces of at most 128 MB', flags: has('--max-semi-space-size', '128') },
  {
    name: 'minor-ms',
    about: 'the young generation collected by mark-sweep instead of a copying scavenger (--minor-mc before V8 11.8)',
    flags: (v8Options) =>
      v8Options.has('--minor-ms')
        ? ['--minor-ms']
        : v8Options.has('--minor-mc')
          ? ['--minor-mc']
          : { missing: `this Node (${process.version}) has neither --minor-ms nor --minor-mc` },
  },
  { name: 'single-threaded-gc', about: 'no background GC threads: every GC step on the main thread', flags: has('--single-threaded-gc') },
  {
    // Node 24 (V8 13.6) caps the new space at 32 MB by default, doubled in Node's builds (no
    // pointer compression): 64 MB semi-spaces, a 128 MB young generation. 8 is a quarter of that.
    name: 'scavenger-cap-8',
    about: "Node 24's new-space cap at 8 MB instead of 32: a young generation a quarter of its default",
    flags: has('--scavenger-max-new-space-capacity-mb', '8'),
  },
];

/** The V8 flag names this Node knows. */
function v8OptionNames(): Set<string> {
  const result = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', timeout: 30_000 });
  return new Set([...(result.stdout ?? '').matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((match) => match[1]!));
}

/** The variants to run, each with its flags, "default" first; checked before any work. */
export function chooseVariants(requested: readonly string[] | undefined, print: (line: string) => void): Array<{ name: string; flags: readonly string[] }> {
  const known = GC_VARIANTS.map((v) => v.name);
  if (requested !== undefined && requested.length === 0) throw new UsageError('--variants needs at least one name');
  for (const name of requested ?? []) {
    if (!known.includes(name)) throw new UsageError(`unknown variant "${name}"; known: ${known.join(', ')}`);
  }
  const v8Options = v8OptionNames();
  const names = ['default', ...(requested ?? known).filter((name) => name !== 'default')];
  const chosen: Array<{ name: string; flags: readonly string[] }> = [];
  for (const name of new Set(names)) {
    const flags = GC_VARIANTS.find((v) => v.name === name)!.flags(v8Options);
    if ('missing' in flags) {
      if (requested !== undefined) throw new UsageError(`variant ${name}: ${flags.missing}`);
      print(`skipping variant ${name}: ${flags.missing}`);
      continue;
    }
    checkNodeAccepts(name, flags);
    chosen.push({ name, flags });
  }
  return chosen;
}

/** Node must start with the variant's flags: a flag it rejects is one line now, not a failed row later. */
function checkNodeAccepts(variant: string, flags: readonly string[]): void {
  if (flags.length === 0) return;
  const result = spawnSync(process.execPath, [...BASE_NODE_FLAGS, ...flags, '-e', '0'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status === 0) return;
  const said = (result.stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
  throw new UsageError(`variant ${variant}: node does not start with ${flags.join(' ')} (${said ?? `exit ${result.status}`})`);
}
