import { allContenders, resolveContender } from '../../implementations/registry.js';
import { UsageError } from '../errors.js';

/** A contender the command line chose: a registered one, or a module named by its path. */
export interface ChosenContender {
  /** How reports name it: the registered name, or the module's file name. */
  readonly name: string;
  readonly kind: 'cache' | 'service';
  /** Absolute path of a module contender; undefined for registered ones. */
  readonly modulePath?: string;
}

/**
 * The contenders `--impl` names, or every registered one available here. Unavailable ones are
 * skipped with one line; unknown names and modules that do not load are one UsageError.
 */
export async function chooseContenders(requested: readonly string[] | undefined, print: (line: string) => void): Promise<ChosenContender[]> {
  const references = requested ?? allContenders().map((contender) => contender.name);
  if (references.length === 0) throw new UsageError('--impl needs at least one name');
  const chosen = new Map<string, ChosenContender>();
  for (const reference of references) {
    let contender;
    try {
      contender = await resolveContender(reference);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const unavailable = contender.unavailableReason();
    if (unavailable !== undefined) {
      print(`skipping ${contender.name}: ${unavailable}`);
      continue;
    }
    const { modulePath } = contender;
    const previous = chosen.get(contender.name);
    if (previous !== undefined && previous.modulePath !== modulePath) {
      throw new UsageError(`two contenders are named ${contender.name}; rename one of the modules`);
    }
    chosen.set(contender.name, { name: contender.name, kind: contender.kind, ...(modulePath === undefined ? {} : { modulePath }) });
  }
  if (chosen.size === 0) throw new UsageError('none of the chosen contenders can run on this machine');
  return [...chosen.values()];
}

/**
 * The chosen cache contenders; service contenders are skipped with one line saying `why`
 * (micro times hit paths and serve runs caches, which services do not have).
 */
export async function chooseCaches(requested: readonly string[] | undefined, print: (line: string) => void, why: string): Promise<ChosenContender[]> {
  const defaults = requested ?? allContenders().filter((c) => c.kind === 'cache').map((c) => c.name);
  return (await chooseContenders(defaults, print)).filter((contender) => {
    if (contender.kind !== 'cache') print(`skipping ${contender.name}: ${why}`);
    return contender.kind === 'cache';
  });
}
