/**
 * The action, end to end and thin: inputs → analysis → report model → Markdown → files → job summary
 * → outputs → PR comment (and its URL output) → gates. The report is always published before a gate
 * fails the step, the outputs are set before the comment is tried (a comment that fails or hangs
 * cannot lose them), and a comment GitHub refuses (fork pull request, read-only token: 403/404) is a
 * warning, never a failure; a token GitHub does not accept (401) is an error naming GITHUB_TOKEN.
 */
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalysis } from '../analysis/run-analysis.js';
import type { Analysis } from '../analysis/analysis.js';
import { resultsJson } from '../analysis/results-json.js';
import { describeError, EXIT, exitCodeOf, type ExitCode } from '../errors.js';
import { describeOutcome, failedRules } from '../gates/rules.js';
import { GitHubApiError, githubTimeoutsFromEnv, upsertReportComment } from '../publish/comment.js';
import { writeFilesAtomic } from '../publish/files.js';
import { renderWithinBytes, writeJobSummary } from '../publish/summary.js';
import { renderMarkdown } from '../render/markdown.js';
import { buildReportModel, type ReportModel } from '../report/model.js';
import { commentKeyOf } from '../sources/registry.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { nextSuggestion } from '../analysis/next-suggestion.js';

export interface ActionOutputs {
  'results-path': string;
  'report-path': string;
  'top-parameter': string;
  matters: string;
  verdict: string;
  comparison: string;
  importances: string;
  gate: 'pass' | 'fail' | 'none';
  'failed-rules': string;
  'comment-url': string;
  'next-sweep-path': string;
}

/** Runs the action; returns the exit code (0 done, 1 gate failed, 2 usage, 3 remote, 4 internal). */
export async function run(): Promise<ExitCode> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs();
    for (const s of inputs.secrets) core.setSecret(s);
  } catch (err) {
    return fail(err);
  }
  const { publish, context } = inputs;

  let analysis: Analysis;
  try {
    analysis = await runAnalysis({ ...inputs.analysis, onProgress: (m) => core.info(m) });
  } catch (err) {
    return fail(err);
  }

  let remoteFailure: unknown = null;
  try {
    const model = buildReportModel(analysis);
    // the source's stable key (sources/registry): the same as before for a runs file or a W&B sweep
    const key = publish.commentKey ?? commentKeyOf(analysis.meta, analysis.request.target);
    core.info(publish.chartsReason);
    const render = (maxChars: number): string =>
      renderMarkdown(model, {
        maxChars,
        charts: publish.charts,
        quickchartHost: publish.quickchartHost,
        fullReport: 'the job summary of this workflow run, and the numbers in its results JSON',
      });

    // Files first: the outputs point at them whatever happens to the comment.
    const report = renderWithinBytes(render);
    const dir = join(
      context.tempDir ?? tmpdir(),
      'sweep-insights',
      createHash('sha256').update(key).digest('hex').slice(0, 12),
    );
    const resultsPath = join(dir, 'results.json');
    const reportPath = join(dir, 'report.md');
    const next = nextSuggestion(analysis);
    const nextSweepPath = next === null ? '' : join(dir, next.fileName);
    // All three or none: the outputs never point at a mix of this run's files and an older run's.
    await writeFilesAtomic([
      { path: resultsPath, text: resultsJson(analysis) },
      { path: reportPath, text: report },
      ...(next !== null ? [{ path: nextSweepPath, text: next.text }] : []),
    ]);

    if (publish.jobSummary) {
      if (await writeJobSummary(report)) core.info('report written to the job summary');
    }

    // Outputs before the comment: a comment that fails or hangs must not lose them.
    const outputs = actionOutputs(analysis, { resultsPath, reportPath, nextSweepPath, commentUrl: '' });
    for (const [name, value] of Object.entries(outputs)) {
      if (name !== 'comment-url') core.setOutput(name, value);
    }

    let commentUrl = '';
    try {
      commentUrl = await comment(inputs, model, key, render);
    } catch (err) {
      remoteFailure = err;
    }
    core.setOutput('comment-url', commentUrl);
  } catch (err) {
    return fail(err);
  }

  const failed = analysis.gates.filter((g) => !g.passed);
  for (const g of analysis.gates) (g.passed ? core.info : core.error)(describeOutcome(g));
  if (remoteFailure !== null) return fail(remoteFailure);
  if (failed.length > 0) {
    core.setFailed(
      `${failed.length} of ${analysis.gates.length} fail-on rule(s) failed: ` +
        failed.map((g) => describeOutcome(g).replace(/^❌ /, '')).join('; '),
    );
    return EXIT.gateFailed;
  }
  return EXIT.ok;
}

/** Post or update the sticky comment; '' when there is none to post. Refusals become warnings. */
async function comment(
  inputs: ActionInputs,
  model: ReportModel,
  key: string,
  render: (maxChars: number) => string,
): Promise<string> {
  const { publish, context } = inputs;
  if (publish.comment === 'off') return '';
  if (publish.prNumber === null) {
    core.info(
      `no pull request for event "${context.eventName || 'unknown'}": the report is in the job summary only ` +
        '(set pr-number to comment on one)',
    );
    return '';
  }
  if (publish.token === '') {
    core.warning('no github-token: the report is in the job summary only');
    return '';
  }
  if (context.owner === '' || context.repo === '') {
    core.warning('GITHUB_REPOSITORY is not set: cannot comment; the report is in the job summary only');
    return '';
  }
  try {
    const result = await upsertReportComment(
      {
        apiUrl: context.apiUrl,
        graphqlUrl: context.graphqlUrl,
        token: publish.token,
        owner: context.owner,
        repo: context.repo,
        issueNumber: publish.prNumber,
        key,
        mode: publish.comment,
        ...githubTimeoutsFromEnv(process.env),
        onLog: (m) => core.info(m),
      },
      render,
      (length) => core.warning(`GitHub refused a ${length}-character comment as too long; shortening it`),
    );
    return result.url;
  } catch (err) {
    if (err instanceof GitHubApiError && err.refused) {
      core.warning(refusalMessage(err, publish.prNumber, publish.fromFork));
      return '';
    }
    throw err;
  }
}

function refusalMessage(err: GitHubApiError, pr: number, fromFork: boolean): string {
  const why = fromFork
    ? 'this pull request comes from a fork, and its token is read-only'
    : err.status === 404
      ? `pull request #${pr} was not found, or the token cannot see it`
      : 'the token may not write comments (give the job `permissions: pull-requests: write`)';
  return (
    `could not comment on #${pr}: ${err.message}. ${why[0].toUpperCase()}${why.slice(1)}; the report is in the ` +
    'job summary. For fork pull requests, comment from a workflow_run workflow (see the README).'
  );
}

/** The action's outputs, as strings. */
export function actionOutputs(
  analysis: Analysis,
  paths: { resultsPath: string; reportPath: string; nextSweepPath: string; commentUrl: string },
): ActionOutputs {
  const importances = analysis.result.parameter_importances;
  const summary = analysis.summary;
  const gates = analysis.gates;
  return {
    'results-path': paths.resultsPath,
    'report-path': paths.reportPath,
    // the verdict's ranking: '' when nothing can be said to matter
    'top-parameter': summary.top[0] ?? '',
    matters: JSON.stringify(summary.rankedBy === 'permutation' ? summary.top : []),
    verdict: summary.verdict.join('\n'),
    comparison: analysis.comparison
      ? JSON.stringify({
          outcome: analysis.comparison.outcome,
          deltas: analysis.comparison.deltas,
          flagged: analysis.comparison.importance.filter((s) => s.flagged).map((s) => s.parameter),
        })
      : '',
    importances: JSON.stringify(importances),
    gate: gates.length === 0 ? 'none' : gates.every((g) => g.passed) ? 'pass' : 'fail',
    'failed-rules': JSON.stringify(failedRules(gates)),
    'comment-url': paths.commentUrl,
    'next-sweep-path': paths.nextSweepPath,
  };
}

function fail(err: unknown): ExitCode {
  core.setFailed(describeError(err, core.isDebug()).replace(/^error: /, ''));
  return exitCodeOf(err);
}
