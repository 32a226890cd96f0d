import type { Row, RulerFloor } from '../results/schema.js';
import type { RowProgress } from '../run/row-progress.js';
import type { PlannedRow } from './plan.js';

/**
 * What an experiment tells whoever watches it, as it happens. The experiment never prints: the
 * CLI turns these into its progress lines (harness/cli/progress-events.ts).
 */
export type ExperimentEvent =
  /** A row begins; `phase` says what it does first. */
  | { readonly type: 'row-start'; readonly row: PlannedRow; readonly phase?: string }
  /** The running row's news: a new phase, or new figures; `expectedMs`, how long the phase should last. */
  | { readonly type: 'row-progress'; readonly message: string; readonly figures?: RowProgress; readonly expectedMs?: number }
  /** A row ended, completed or failed. */
  | { readonly type: 'row-end'; readonly row: Row }
  /** The first Ctrl-C: no new row starts; finished rows are kept. */
  | { readonly type: 'stopping' }
  /** Every service's warm states are being written (once, for all of them). */
  | { readonly type: 'warming'; readonly states: number }
  /** The service driver's own floor is being measured, against a null server. */
  | { readonly type: 'ruler-floor-start'; readonly rate: number; readonly seconds: number }
  | { readonly type: 'ruler-floor'; readonly floor: RulerFloor };

export type ExperimentListener = (event: ExperimentEvent) => void;
