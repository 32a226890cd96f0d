import type { Static } from '@sinclair/typebox';
import { readJsonFile } from '../json-input.js';
import { isMicroConfigFile, isRowConfigFile } from '../results/schemas/checks.generated.js';
import type { MicroConfigFile, RowConfigFile } from '../results/schemas/child-config.js';
import type { MicroConfig } from './micro-benchmark.js';
import type { RowConfig } from './run-one.js';

/**
 * The config a measuring child reads from its parent's file, checked by the function generated
 * from its schema (harness/results/schemas/child-config.ts), which loads no schema library onto
 * the heap the child measures. A config that fails is described by the schema checker, loaded
 * only then, since the row ends there.
 */

/** A file's value with every optional field present (as undefined when absent), which is how the program reads it. */
type AsRead<T> = { [K in keyof Required<T>]: T[K] };
/** Compiles only when T is a U: the proof that what passes a schema's check is what the program takes. */
type Proven<T extends U, U> = T;

type CheckedRowConfig = Proven<AsRead<Static<typeof RowConfigFile>>, RowConfig>;
type CheckedMicroConfig = Proven<AsRead<Static<typeof MicroConfigFile>>, MicroConfig>;

function isRowConfig(value: unknown): value is CheckedRowConfig {
  return isRowConfigFile(value);
}

function isMicroConfig(value: unknown): value is CheckedMicroConfig {
  return isMicroConfigFile(value);
}

export async function readRowConfig(path: string): Promise<RowConfig> {
  const value = readJsonFile(path, 'row config');
  if (isRowConfig(value)) return value;
  const { checkAgainstSchema } = await import('../results/check-against-schema.js');
  const { RowConfigFile } = await import('../results/schemas/child-config.js');
  checkAgainstSchema(RowConfigFile, value, `row config ${path}`);
  throw new Error(`row config ${path} does not match its schema`);
}

export async function readMicroConfig(path: string): Promise<MicroConfig> {
  const value = readJsonFile(path, 'micro config');
  if (isMicroConfig(value)) return value;
  const { checkAgainstSchema } = await import('../results/check-against-schema.js');
  const { MicroConfigFile } = await import('../results/schemas/child-config.js');
  checkAgainstSchema(MicroConfigFile, value, `micro config ${path}`);
  throw new Error(`micro config ${path} does not match its schema`);
}
