import { type AnyContender, allContenders, resolveContender, type ServiceDesign } from '../../implementations/registry.js';
import { describeError, UsageError } from '../errors.js';

/** A contender the command line chose: a registered one, or a module named by its path. */
export interface ChosenContender {
  /** How reports name it: the registered name, or the module's file name. */
  readonly name: string;
  readonly kind: 'cache' | 'service';
  /** A service contender's design (how the harness builds it). */
  readonly design?: ServiceDesign;
  /** Absolute path of a module contender; undefined for registered ones. */
  readonly modulePath?: string;
}

/**
 * Where the contenders will run: in the measuring process (`run`, `sweep`), or each as an HTTP
 * service in a process of its own (`load`: caches behind `serve`, and the reference services).
 */
export type Venue = 'in-process' | 'over-http';

/**
 * Whether a contender can run there; a reason when it cannot. A program of its own ('http-process':
 * the Go and Rust references) runs in both: over HTTP as a service, and in process through its
 * own bench mode, which replays the run's request log itself (harness/run/bench-row.ts).
 */
function fits(contender: AnyContender, venue: Venue): string | undefined {
  const ownProgram = contender.kind === 'service' && contender.design.kind === 'http-process';
  if (venue === 'over-http' && contender.kind === 'service' && !ownProgram) return 'a service that runs in-process only (readstate-lab run)';
  return undefined;
}

/** A contender the plain `run` leaves out unless --impl names it. */
function onRequestOnly(contender: AnyContender, venue: Venue): boolean {
  if (contender.kind !== 'service') return false;
  // In process, a program of its own joins only when named: the default comparison is the Node
  // designs', and it stays as it was before the programs had a bench mode.
  return contender.onRequestOnly === true || (venue === 'in-process' && contender.design.kind === 'http-process');
}

/**
 * The contenders `--impl` names, or every registered one available here that can run in the
 * venue. Unavailable ones are skipped with one line; unknown names, modules that do not load,
 * and a contender named for a venue it cannot run in are one UsageError.
 */
export async function chooseContenders(
  requested: readonly string[] | undefined,
  print: (line: string) => void,
  venue: Venue = 'in-process',
): Promise<ChosenContender[]> {
  const references =
    requested ??
    allContenders()
      .filter((c) => fits(c, venue) === undefined && !onRequestOnly(c, venue))
      .map((c) => c.name);
  if (references.length === 0) throw new UsageError('--impl needs at least one name');
  const chosen = new Map<string, ChosenContender>();
  for (const reference of references) {
    let contender: Awaited<ReturnType<typeof resolveContender>>;
    try {
      contender = await resolveContender(reference);
    } catch (error) {
      throw new UsageError(describeError(error));
    }
    const misplaced = fits(contender, venue);
    if (misplaced !== undefined) throw new UsageError(`${contender.name} is ${misplaced}`);
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
    chosen.set(contender.name, {
      name: contender.name,
      kind: contender.kind,
      ...(contender.kind === 'service' ? { design: contender.design } : {}),
      ...(modulePath === undefined ? {} : { modulePath }),
    });
  }
  if (chosen.size === 0) throw new UsageError('none of the chosen contenders can run on this machine');
  return [...chosen.values()];
}

/**
 * The chosen cache contenders; service contenders are skipped with one line saying `why`
 * (micro times hit paths and serve runs caches, which services do not have).
 */
export async function chooseCaches(requested: readonly string[] | undefined, print: (line: string) => void, why: string): Promise<ChosenContender[]> {
  const defaults =
    requested ??
    allContenders()
      .filter((c) => c.kind === 'cache')
      .map((c) => c.name);
  const chosen: ChosenContender[] = [];
  for (const reference of defaults) {
    let contender: Awaited<ReturnType<typeof resolveContender>>;
    try {
      contender = await resolveContender(reference);
    } catch (error) {
      throw new UsageError(describeError(error));
    }
    if (contender.kind !== 'cache') print(`skipping ${contender.name}: ${why}`);
    else chosen.push(...(await chooseContenders([reference], print)));
  }
  if (chosen.length === 0) throw new UsageError(`no cache contender to run: ${why}`);
  return chosen;
}
