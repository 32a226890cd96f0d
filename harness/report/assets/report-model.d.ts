import type { MicroReportModel } from '../micro-report.js';
import type { RunReportModel } from '../model.js';
import type { SweepReportModel } from '../sweep-report.js';

/**
 * Types for the report's browser scripts (report.js, store-latency.js), which tsconfig.assets.json
 * type-checks with checkJs: the JSON in #report-data is one of these models, built in Node.
 */
export type ReportModel = RunReportModel | MicroReportModel | SweepReportModel;

/**
 * The model as the scripts see it: they test `kind` once and then read the fields of that kind
 * in functions of their own, where JavaScript cannot narrow, so every kind's fields are offered
 * (with their types) and none is required.
 */
export type AnyReportModel = { readonly kind: ReportModel['kind'] } & Partial<Omit<RunReportModel, 'kind'>> &
  Partial<Omit<MicroReportModel, 'kind'>> &
  Partial<Omit<SweepReportModel, 'kind'>>;

declare global {
  /**
   * chart.js, inlined into the page before the scripts (harness/report/html.ts). Left untyped:
   * its option types are stricter than the configurations it accepts, and what this check is
   * for is the model the scripts read.
   */
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  const Chart: any;
  interface Window {
    /** report.js's shared time axis, which store-latency.js draws its charts over time on. */
    readstateTimeAxis(): unknown;
  }
}
