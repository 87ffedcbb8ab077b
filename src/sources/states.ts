/**
 * `--states`: which run (or trial) states a source keeps, checked against the states the server
 * knows. One rule for every source that has states (W&B, MLflow, Optuna).
 */
import { UsageError } from '../errors.js';

/**
 * The states asked for, trimmed and lower-cased; null when none were (the source's default).
 * `what`: how the message names them, e.g. "W&B run" or "Optuna trial".
 */
export function wantedStates(
  states: readonly string[] | undefined,
  known: readonly string[],
  what: string,
): Set<string> | null {
  if (!states || states.length === 0) return null;
  const wanted = new Set(states.map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  const unknown = [...wanted].filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    const kind = what.split(' ').pop();
    throw new UsageError(
      `--states: unknown ${kind} state ${unknown.join(', ')}; ${what} states are ${known.join(', ')}`,
    );
  }
  return wanted.size > 0 ? wanted : null;
}
