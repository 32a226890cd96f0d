import { existsSync } from 'node:fs';
import { referenceExecutable } from '../../implementations/reference-services.js';

/** The compiled open-loop driver's binary name in references/build/, where the reference services are built too. */
const BINARY = 'load-driver';

/** The executable of the compiled load driver (references/load-driver), built or not. */
export function compiledDriverPath(): string {
  return referenceExecutable(BINARY);
}

/** Why the compiled driver cannot run here, or undefined when it is built. */
export function compiledDriverUnavailableReason(): string | undefined {
  return existsSync(compiledDriverPath()) ? undefined : 'the compiled driver is not built (npm run build:references needs Go)';
}
