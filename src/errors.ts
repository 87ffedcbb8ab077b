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

/** Longest name or value quoted whole in a message; longer ones keep their head and tail around "…". */
export const QUOTE_MAX = 80;

/** Longest message line: whatever a message quotes or lists, the line stays readable. */
export const MESSAGE_MAX = 2000;

/**
 * Text from the data (a name, a cell) for a message: at most `max` characters (head and tail kept
 * around an ellipsis), then JSON-quoted, so line breaks and control characters show as escapes.
 */
export function quoteForMessage(text: string, max = QUOTE_MAX): string {
  return JSON.stringify(shorten(text, max));
}

/** `text` cut to at most `max` UTF-16 units, head and tail kept (never splitting a surrogate pair). */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…';
  let head = Math.ceil((max - 1) * 0.6);
  let tail = max - 1 - head;
  // never cut a surrogate pair in two
  if (isHigh(text.charCodeAt(head - 1))) head--;
  if (tail > 0 && isLow(text.charCodeAt(text.length - tail))) tail--;
  return text.slice(0, head) + '…' + text.slice(text.length - tail);
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** A message as one line: line breaks (and the white space around them) become one space. Linear. */
function toOneLine(message: string): string {
  const pieces = message.split('\n');
  const out: string[] = [];
  pieces.forEach((piece, i) => {
    let p = piece;
    if (i > 0) p = p.trimStart();
    if (i < pieces.length - 1) p = p.trimEnd();
    if (p !== '' || i === 0) out.push(p);
  });
  return out.join(' ').trim();
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
  // cut first: everything after is linear in a bounded length
  const oneLine = shorten(toOneLine(shorten(message, MESSAGE_MAX * 2)), MESSAGE_MAX);
  if (code === EXIT.internal) {
    const head = `internal error: ${oneLine} (this is a bug in sweep-insights; please report it with the command you ran, and --debug for details)`;
    return debug && err instanceof Error && err.stack ? `${head}\n${err.stack}` : head;
  }
  return `error: ${oneLine}`;
}
