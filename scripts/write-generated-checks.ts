import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../harness/package-root.js';
import { GENERATED_CHECKS_PATH, generatedChecksSource } from '../harness/results/schemas/generated-checks-source.js';

/** `npm run schema`: writes the checks generated from the schemas of what a measuring child reads; `--check` only says whether they are current. */
const path = join(packageRoot, GENERATED_CHECKS_PATH);
const source = generatedChecksSource();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {}
  if (committed !== source) {
    console.error(`${GENERATED_CHECKS_PATH} is not generated from the schemas: run npm run schema`);
    process.exit(1);
  }
} else {
  writeFileSync(path, source);
  console.log(`wrote ${GENERATED_CHECKS_PATH}`);
}
