/**
 * A problem with what the user asked for (a flag, a name, a file): the CLI prints its message
 * on one line and exits with code 2, never a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The message of anything thrown, for one-line reports. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The system error code of anything thrown ("ENOENT", "ECONNREFUSED"), or undefined. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
