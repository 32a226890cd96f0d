import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { MicroConfigFile, RowConfigFile } from './child-config.js';
import { RequestLine } from './request-line.js';

/** Where the generated checks live: a module a measuring child loads instead of the schema library. */
export const GENERATED_CHECKS_PATH = 'harness/results/schemas/checks.generated.ts';

/** What a measuring child reads, each under the name of its generated check. */
export const GENERATED_CHECKS: Readonly<Record<string, TSchema>> = {
  isRequestLine: RequestLine,
  isRowConfigFile: RowConfigFile,
  isMicroConfigFile: MicroConfigFile,
};

/** TypeBox emits a compiled check as JavaScript opening with this line; the module turns it into an exported function. */
const EMITTED_OPENING = 'return function check(value) {';

/**
 * The source of the generated module: for each schema, the very function TypeCompiler compiles
 * from it, as text, so a check needs no schema library at run time. `npm run schema` writes it;
 * test/generated-checks-are-current.unit.test.ts fails when it is stale.
 */
export function generatedChecksSource(): string {
  const functions = Object.entries(GENERATED_CHECKS).map(([name, schema]) => {
    const emitted = TypeCompiler.Code(schema, [], { language: 'javascript' });
    if (!emitted.startsWith(EMITTED_OPENING))
      throw new Error(`TypeCompiler.Code no longer opens with "${EMITTED_OPENING}": adapt ${GENERATED_CHECKS_PATH}'s generator`);
    return `export function ${name}(value: any): boolean {${emitted.slice(EMITTED_OPENING.length)}\n`;
  });
  return [
    '// Generated from schemas of harness/results/schemas/ (generated-checks-source.ts names them) by npm run schema: do not edit.',
    '// Each is TypeCompiler.Compile(schema) as source, so a measuring child checks what it reads without loading TypeBox.',
    '// Each takes any value and narrows it itself; biome.json leaves the file as emitted.',
    '',
    functions.join('\n'),
  ].join('\n');
}
