import type { Static } from '@sinclair/typebox';
import type { MergedResults } from '../results-file.js';
import type * as Types from '../schema.js';
import type * as Environment from './environment.js';
import type * as Measurement from './measurement.js';
import type * as MicroSweep from './micro-sweep.js';
import type * as Run from './run.js';
import type * as Summary from './summary.js';

/**
 * Proof, checked by the compiler, that each file schema and the TypeScript type the program uses
 * for it (harness/results/schema.ts, where every field is documented) say the same: a field added
 * to one and not the other fails the build here, naming the pair. Readonly marks are ignored.
 */

type Plain<T> = T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;
type Same<A, B> = (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;
type Proof<T extends true> = T;

export type SchemasMatchTypes = [
  Proof<Same<Static<typeof Measurement.SendLag>, Types.SendLag>>,
  Proof<Same<Static<typeof Measurement.DriveOutcome>, Types.DriveOutcome>>,
  Proof<Same<Static<typeof Measurement.EncodedLatencies>, Types.EncodedLatencies>>,
  Proof<Same<Static<typeof Measurement.GcEvent>, Types.GcEvent>>,
  Proof<Same<Static<typeof Measurement.GcCycle>, Types.GcCycle>>,
  Proof<Same<Static<typeof Measurement.ForcedGc>, Types.ForcedGc>>,
  Proof<Same<Static<typeof Measurement.WindowSample>, Types.WindowSample>>,
  Proof<Same<Static<typeof Measurement.MemoryFigures>, Types.MemoryFigures>>,
  Proof<Same<Static<typeof Measurement.ServiceCounters>, Types.ServiceCounters>>,
  Proof<Same<Static<typeof Measurement.Mismatch>, Types.Mismatch>>,
  Proof<Same<Static<typeof Measurement.IntegrityResult>, Types.IntegrityResult>>,
  Proof<Same<Static<typeof Measurement.AllocationFigures>, Types.AllocationFigures>>,
  Proof<Same<Static<typeof Measurement.StallRecording>, Types.StallRecording>>,
  Proof<Same<Static<typeof Measurement.StoreGc>, Types.StoreGc>>,
  Proof<Same<Static<typeof Measurement.RowMeasurement>, Types.RowMeasurement>>,
  Proof<Same<Static<typeof Summary.Percentiles>, Types.Percentiles>>,
  Proof<Same<Static<typeof Summary.WindowSummary>, Types.WindowSummary>>,
  Proof<Same<Static<typeof Summary.RowSummary>, Types.RowSummary>>,
  Proof<Same<Static<typeof Summary.Spread>, Types.Spread>>,
  Proof<Same<Static<typeof Summary.ContenderSummary>, Types.ContenderSummary>>,
  Proof<Same<Static<typeof Environment.RulerFloor>, Types.RulerFloor>>,
  Proof<Same<Static<typeof Environment.MachineFloor>, Types.MachineFloor>>,
  Proof<Same<Static<typeof Environment.HostLoad>, Types.HostLoad>>,
  Proof<Same<Static<typeof Environment.Environment>, Types.Environment>>,
  Proof<Same<Static<typeof Run.CassandraSettings>, Types.CassandraSettings>>,
  Proof<Same<Static<typeof Run.RunSettings>, Types.RunSettings>>,
  Proof<Same<Static<typeof Run.CompletedRow>, Types.CompletedRow>>,
  Proof<Same<Static<typeof Run.FailedRow>, Types.FailedRow>>,
  Proof<Same<Static<typeof Run.Results>, MergedResults>>,
  Proof<Same<Static<typeof MicroSweep.MicroTaskResult>, Types.MicroTaskResult>>,
  Proof<Same<Static<typeof MicroSweep.MicroResults>, Types.MicroResults>>,
  Proof<Same<Static<typeof MicroSweep.SweepPoint>, Types.SweepPoint>>,
  Proof<Same<Static<typeof MicroSweep.SweepResults>, Types.SweepResults>>,
];
