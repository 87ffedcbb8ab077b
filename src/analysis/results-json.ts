/**
 * The JSON written by `--json` and the action's `results-path`: the recipe's keys first (parity with
 * the oracle), then what the tool adds: the goal, the best run, the insights and the gates.
 */
import type { Analysis } from './analysis.js';

export function resultsJson(analysis: Analysis): string {
  const { result, request, best, insights, gates, sweep } = analysis;
  const doc = {
    ...result,
    goal: { direction: request.goal, assumed: request.goalAssumed, reason: request.goalReason },
    source: analysis.source,
    filters: analysis.filters,
    best_run: best,
    constant_parameters: analysis.constantParameters,
    id_like_parameters: analysis.idLikeParameters,
    sweep: sweep && {
      entity: sweep.entity,
      project: sweep.project,
      id: sweep.id,
      name: sweep.name,
      state: sweep.state,
      url: sweep.url,
      metric: sweep.metric,
      states: sweep.states,
    },
    insights,
    gates: gates.map((g) => ({
      rule: g.rule.text,
      value: g.value,
      passed: g.passed,
      unreliable: g.unreliable,
    })),
  };
  // JSON.stringify writes NaN and ±Infinity as null, as the recipe asks.
  return JSON.stringify(doc, null, 1) + '\n';
}
