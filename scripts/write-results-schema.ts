import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../harness/package-root.js';
import { PUBLISHED_SCHEMA_PATH, resultsJsonSchema } from '../harness/results/schemas/published.js';

/** `npm run schema`: writes schemas/results.schema.json from the schema the lab checks files with; `--check` only says whether it is current. */
const path = join(packageRoot, PUBLISHED_SCHEMA_PATH);
const schema = resultsJsonSchema();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {}
  if (committed !== schema) {
    console.error(`${PUBLISHED_SCHEMA_PATH} is not the schema the lab checks with: run npm run schema`);
    process.exit(1);
  }
} else {
  writeFileSync(path, schema);
  console.log(`wrote ${PUBLISHED_SCHEMA_PATH}`);
}
