import type { Static } from '@sinclair/typebox';
import type { FORCED_GC_MODES, REQUEST_TYPES } from './schemas/plain-values.js';
import type * as Schemas from './schemas/scenario.js';

/**
 * The scenario file format (scenarios/*.json) and the request vocabulary it speaks: written to
 * disk inside every results file, so it lives with the results schema. The types are those of
 * the schema (harness/results/schemas/scenario.ts), against which harness/workload/scenario.ts
 * checks files. This module loads no schema library: every measuring child imports it, and
 * what it loads sits on the measured heap.
 */

export { FORCED_GC_MODES, REQUEST_TYPES, SCENARIO_LIMITS } from './schemas/plain-values.js';

export type RequestType = (typeof REQUEST_TYPES)[number];
export type ForcedGcMode = (typeof FORCED_GC_MODES)[number];

/** Each request type's share of the requests (any scale: the shares are normalised). */
export type RequestMix = Readonly<Static<typeof Schemas.RequestMix>>;
/** A stretch of the run with its own request mix (a reconnect storm, say). */
export type Phase = Readonly<Static<typeof Schemas.Phase>>;
export type Population = Readonly<Static<typeof Schemas.Population>>;
/** A declarative load, read from `scenarios/<name>.json` and validated on load. */
export type Scenario = Readonly<Static<typeof Schemas.Scenario>>;
