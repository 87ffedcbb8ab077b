/**
 * The direction of the target. `--goal` wins; then the sweep's own metric; then the target's name:
 * a loss or an error is minimized, anything else maximized. The report says which rule decided.
 */
import type { Goal } from '../design/types.js';

const MINIMIZE_WORDS = new Set(['loss', 'error', 'err', 'ppl', 'perplexity', 'mse', 'rmse', 'mae']);

export interface GoalDecision {
  readonly goal: Goal;
  readonly assumed: boolean;
  readonly reason: string;
}

/** Words of a metric name: `val_loss` → [val, loss]; `valLoss` → [val, loss]; `eval/mse` → [eval, mse]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

export function goalFromName(target: string): Goal {
  return nameWords(target).some((w) => MINIMIZE_WORDS.has(w)) ? 'minimize' : 'maximize';
}

/**
 * `declared` is the source's own objective (a W&B sweep's metric, a study's direction); `declaredBy`
 * says whose it is in the report ("the sweep's metric goal").
 */
export function decideGoal(
  target: string,
  explicit?: Goal,
  declared?: { name: string; goal: Goal } | null,
  declaredBy = "the sweep's metric goal",
): GoalDecision {
  if (explicit) return { goal: explicit, assumed: false, reason: 'given with --goal' };
  if (declared && declared.name === target) {
    return { goal: declared.goal, assumed: false, reason: declaredBy };
  }
  const goal = goalFromName(target);
  const word = nameWords(target).find((w) => MINIMIZE_WORDS.has(w));
  return {
    goal,
    assumed: true,
    reason: word
      ? `read from the target's name: "${word}" is a loss or an error`
      : "read from the target's name: not a loss or an error",
  };
}

/** true when `a` is better than `b` under the goal. */
export function better(goal: Goal, a: number, b: number): boolean {
  return goal === 'maximize' ? a > b : a < b;
}
