/**
 * Exit codes, the same everywhere in the project (CLI and action):
 *   0 done; 1 a gate failed; 2 a bad request (usage, input data, unknown target/parameter, a sweep
 *   that does not exist); 3 a remote service failed or refused (network, 5xx after retries,
 *   401/403, a wait that timed out); 4 an internal error (a bug).
 * Errors carry one line a person can act on: what, where, how to fix.
 */
export const EXIT = { ok: 0, gateFailed: 1, badRequest: 2, remote: 3, internal: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A bad request: usage, input data, unknown names. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT.badRequest;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Input data that cannot be used (a file, a row, a column). Exit code 2. */
export class InputError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A remote service failed or refused (W&B, GitHub). Exit code 3. */
export class RemoteError extends Error {
  readonly exitCode = EXIT.remote;
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof UsageError) return EXIT.badRequest;
  if (err instanceof RemoteError) return EXIT.remote;
  return EXIT.internal;
}

/** One line for stderr; the stack only when asked for (`--debug`) or for a bug. */
export function describeError(err: unknown, debug = false): string {
  const code = exitCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const oneLine = message.replace(/\s*\n\s*/g, ' ').trim();
  if (code === EXIT.internal) {
    const head = `internal error: ${oneLine} (this is a bug in sweep-insights; please report it with the command you ran, and --debug for details)`;
    return debug && err instanceof Error && err.stack ? `${head}\n${err.stack}` : head;
  }
  return `error: ${oneLine}`;
}
