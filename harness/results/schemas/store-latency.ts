import { type Static, Type } from '@sinclair/typebox';

/** The longest fixed delay or median a profile may state: a minute is no database anyone would cache for. */
export const MAX_STORE_LATENCY_MS = 60_000;

const Ms = (minimum: number) => Type.Number({ minimum, maximum: MAX_STORE_LATENCY_MS });

/** A delay drawn for every read or write: fixed, or log-normal by its median and p99. */
export const LatencyDistribution = Type.Union([
  Type.Object({ distribution: Type.Literal('fixed'), ms: Ms(0) }, { additionalProperties: false }),
  Type.Object({ distribution: Type.Literal('lognormal'), medianMs: Ms(0.001), p99Ms: Ms(0.001) }, { additionalProperties: false }),
]);
export type LatencyDistribution = Static<typeof LatencyDistribution>;

function profile(sourceMinLength: number) {
  const Source = Type.String({ minLength: sourceMinLength });
  return Type.Object(
    {
      name: Type.String({ minLength: 1 }),
      description: Type.String({ minLength: 1 }),
      source: Source,
      assumptions: Source,
      read: LatencyDistribution,
      write: LatencyDistribution,
    },
    { additionalProperties: false },
  );
}

/** A --store-latency profile as results record it (harness/store/latency-profile.ts says what each field means); fixed:MS has no source. */
export const StoreLatencyProfile = profile(0);
export type StoreLatencyProfile = Static<typeof StoreLatencyProfile>;

/** A profile file in scenarios/store-latency/: every text is given. */
export const StoreLatencyProfileFile = profile(1);

/** "log-normal, median 5 ms, p99 70.7 ms". */
export function describeDistribution(distribution: LatencyDistribution): string {
  return distribution.distribution === 'fixed' ? `${distribution.ms} ms each` : `log-normal, median ${distribution.medianMs} ms, p99 ${distribution.p99Ms} ms`;
}

/**
 * The profile in one line, as every result, summary and report states it; "none" when the
 * store answers as fast as it can. Two runs whose texts differ do not compare.
 */
export function describeStoreLatency(profile: StoreLatencyProfile | undefined): string {
  if (profile === undefined) return 'none (the store answers as fast as it can)';
  return `${profile.name}: reads ${describeDistribution(profile.read)}; writes ${describeDistribution(profile.write)}`;
}
