import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * ajv, strict, compiled from the committed schemas/results.schema.json: a validator that shares
 * no code with the lab's own check, as a reader in another language would use the file.
 */
export function publishedSchemaValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync('schemas/results.schema.json', 'utf8'));
  return new Ajv({ strict: true, allErrors: false }).compile(schema);
}
