import { formatMs } from '../report/format.js';
import type { ContenderSummary, Results } from '../results/schema.js';

/** A variant is said to shorten the spike when both figures drop at least this much below the default's. */
export const SHORTER_BY = 0.2;

/**
 * For each contender: which variant shortens its forced-GC spike (max latency and full-GC pause
 * both at least SHORTER_BY below the default's medians), and what every variant costs.
 */
export function tuningVerdict(results: Results, contenders: readonly string[], variants: readonly string[]): string[] {
  const lines: string[] = [];
  const summaryOf = (contender: string, variant: string): ContenderSummary | undefined =>
    results.contenders.find((c) => c.contender === `${contender} · ${variant}` && c.completed > 0);
  for (const contender of contenders) {
    const base = summaryOf(contender, 'default');
    if (base === undefined) {
      lines.push(`${contender}: the default row did not complete, so no variant can be judged`);
      continue;
    }
    const shorter: string[] = [];
    for (const variant of variants) {
      if (variant === 'default') continue;
      const tuned = summaryOf(contender, variant);
      if (tuned === undefined) {
        lines.push(`${contender} · ${variant}: did not complete`);
        continue;
      }
      const maxChange = change(tuned.maxMs.median, base.maxMs.median);
      const pauseChange = change(tuned.fullGcPauseMs.median, base.fullGcPauseMs.median);
      // With repetitions, the variant's worst must also beat the default's best, in both figures:
      // on a busy machine one slow repetition moves a median of three.
      const apart = tuned.completed < 2 || base.completed < 2 || (tuned.maxMs.max < base.maxMs.min && tuned.fullGcPauseMs.max < base.fullGcPauseMs.min);
      if (maxChange <= -SHORTER_BY && pauseChange <= -SHORTER_BY && apart) shorter.push(variant);
      lines.push(
        `${contender} · ${variant}: max ${formatMs(tuned.maxMs.median)} (${percent(maxChange)}), full-GC pause ${formatMs(tuned.fullGcPauseMs.median)} (${percent(pauseChange)}); ` +
          `costs p50 ${formatMs(tuned.p50Ms.median)} (${percent(change(tuned.p50Ms.median, base.p50Ms.median))}), ` +
          `p99 ${formatMs(tuned.p99Ms.median)} (${percent(change(tuned.p99Ms.median, base.p99Ms.median))}), ` +
          `heap max ${mib(tuned.heapUsedMaxBytes.median)} (${percent(change(tuned.heapUsedMaxBytes.median, base.heapUsedMaxBytes.median))}), ` +
          `scavenges/100k ${round(tuned.scavengesPer100k.median)} (default ${round(base.scavengesPer100k.median)})`,
      );
    }
    const apartRule = base.completed < 2 ? '' : ", every repetition below the default's best";
    if (base.completed < 2) lines.push(`${contender}: one repetition each, which cannot tell a variant from the machine's noise: use --repeat 3`);
    lines.push(
      shorter.length === 0
        ? `${contender}: no variant shortens the forced-GC spike (default: max ${formatMs(base.maxMs.median)}, full-GC pause ${formatMs(base.fullGcPauseMs.median)}; the test: ${SHORTER_BY * 100}% or more below in both${apartRule})`
        : `${contender}: ${shorter.join(', ')} shorten${shorter.length === 1 ? 's' : ''} the forced-GC spike by at least ${SHORTER_BY * 100}%${apartRule} (default: max ${formatMs(base.maxMs.median)}, full-GC pause ${formatMs(base.fullGcPauseMs.median)})`,
    );
  }
  return lines;
}

/** Relative change of `value` against `reference`; NaN when either is not a figure. */
function change(value: number, reference: number): number {
  return Number.isFinite(value) && Number.isFinite(reference) && reference !== 0 ? value / reference - 1 : Number.NaN;
}

function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  // Signed by the rounded figure: a change that rounds to nothing is "0%", whichever way it went.
  const rounded = Math.round(fraction * 100);
  return rounded === 0 ? '0%' : `${rounded > 0 ? '+' : ''}${rounded}%`;
}

function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : 'n/a';
}

function round(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value)) : 'n/a';
}
