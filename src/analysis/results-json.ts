/**
 * The JSON written by `--json` and the action's `results-path`: the recipe's keys first (parity with
 * the oracle), then what the tool adds, every key in snake_case: the verdict (`summary`), the goal, the
 * best run, the insights and the gates. The README's "The results JSON" lists every key.
 */
import type { Insights } from '../insights/types.js';
import { qualityJson } from '../insights/quality.js';
import type { Analysis } from './analysis.js';
import type { Comparison } from '../insights/compare.js';
import type { SourceMeta } from '../sources/types.js';

/** Bumped when a key changes meaning or goes away (added keys keep the version). */
export const RESULTS_VERSION = 2;

export function resultsJson(analysis: Analysis): string {
  const { result, request, best, insights, gates, sweep, summary } = analysis;
  const doc = {
    ...result,
    results_version: RESULTS_VERSION,
    summary: {
      verdict: summary.verdict.join('\n'),
      ranked_by: summary.rankedBy,
      top: summary.top,
      warnings: summary.warnings,
      disagreement: summary.disagreement,
    },
    goal: { direction: request.goal, assumed: request.goalAssumed, reason: request.goalReason },
    source: analysis.source,
    filters: analysis.filters,
    // what a later comparison needs (--baseline reads this file back): the target of every run used
    target_values: Array.from(analysis.design.y),
    best_run: {
      row: best.row,
      index: best.index,
      value: best.value,
      ties: best.ties,
      name: best.name,
      name_shared_by: best.nameShared,
      id: best.id,
      url: best.url,
      params: best.params,
    },
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
    source_meta: analysis.meta && sourceMetaJson(analysis.meta),
    insights: insights && insightsJson(insights),
    // an Optuna study's next step in its own terms (the W&B config is insights.next_sweep)
    next_study: analysis.nextStudy?.distributions ?? null,
    fidelity: analysis.fidelity,
    comparison: analysis.comparison && comparisonJson(analysis.comparison),
    gates: gates.map((g) => ({
      rule: g.rule.text,
      value: g.value,
      passed: g.passed,
      unreliable: g.unreliable,
      caveat: g.caveat,
    })),
  };
  // JSON.stringify writes NaN and ±Infinity as null, as the recipe asks.
  return JSON.stringify(doc, null, 1) + '\n';
}

/**
 * The source's neutral facts (sources/types.ts SourceMeta), whatever the source: what it is, which one,
 * how the target was read, its runs per state and its own details (e.g. MLflow's experiment_id and
 * metric_agg, Optuna's storage kind). W&B's sweep is the `sweep` key, not repeated here.
 */
function sourceMetaJson(meta: SourceMeta): Record<string, unknown> {
  const { sweep: _sweep, ...details } = meta.details;
  return {
    kind: meta.kind,
    what: meta.what,
    label: meta.label,
    name: meta.name,
    url: meta.url,
    state: meta.state,
    method: meta.method,
    target_reading: meta.targetReading,
    states: meta.states,
    details,
  };
}

/** The comparison without the report's lines and the baseline's values (those are the baseline's). */
function comparisonJson(c: Comparison): Record<string, unknown> {
  return {
    baseline: c.baseline,
    runs: c.runs,
    deltas: c.deltas,
    distribution: c.distribution,
    outcome: c.outcome,
    importance: c.importance,
    added: c.added,
    removed: c.removed,
    range_changed: c.range_changed,
    verdict: c.verdict,
  };
}

/** The insights with snake_case keys (names from the data stay values, never keys, but in `config`). */
function insightsJson(i: Insights): Record<string, unknown> {
  return {
    quality: qualityJson(i.quality),
    outliers: i.outliers.map((o) => ({ index: o.index, row: o.row, value: o.value, robust_z: o.robustZ })),
    permutation: i.permutation.map((p) => ({
      parameter: p.parameter,
      mean: p.mean,
      sd: p.sd,
      low: p.low,
      high: p.high,
      matters: p.matters,
    })),
    best_count: i.bestCount,
    advice: i.advice.map((a) => ({
      parameter: a.parameter,
      kind: a.kind,
      matters: a.matters,
      searched: a.searched ?? null,
      best: a.best ?? null,
      log_scale: a.logScale ?? false,
      levels: (a.levels ?? []).map((l) => ({
        level: l.level,
        share_best: l.shareBest,
        share_all: l.shareAll,
      })),
      edge: a.edge ?? null,
      suggested: a.suggested ?? null,
      drop_levels: a.dropLevels ?? [],
      advice: a.advice,
    })),
    outlier_rule: i.outlierRule ?? null,
    outlier_rule_text: i.outlierRuleText ?? null,
    interactions: i.interactions.map((x) => ({ a: x.a, b: x.b, strength: x.strength, sentence: x.sentence })),
    next_sweep: i.nextSweep && { yaml: i.nextSweep.yaml, config: i.nextSweep.config },
  };
}
