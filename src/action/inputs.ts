/**
 * The action's inputs (action.yml) and the runner's context, read and checked before any work: a bad
 * value is a usage error (exit 2) naming the input. Empty inputs take action.yml's defaults, so the
 * code behaves the same when the runner did not fill them in (tests, other runners).
 */
import { readFileSync } from 'node:fs';
import type { AnalysisInput } from '../analysis/run-analysis.js';
import type { Goal } from '../design/types.js';
import { UsageError } from '../errors.js';
import { parseRules } from '../gates/rules.js';
import { checkKey, type CommentMode } from '../publish/comment.js';
import { SOURCES, type SourceRequest } from '../sources/registry.js';

export type ChartsChoice = 'quickchart' | 'mermaid' | 'none';

export interface RunnerContext {
  readonly eventName: string;
  /** The event payload (GITHUB_EVENT_PATH), {} when there is none. */
  readonly payload: Record<string, unknown>;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  readonly graphqlUrl: string | undefined;
  /** RUNNER_TEMP (or the OS temp folder): where the result files go. */
  readonly tempDir: string | undefined;
}

export interface PublishOptions {
  readonly token: string;
  readonly comment: CommentMode | 'off';
  /** User-given key; null: derived from the source and target once known. */
  readonly commentKey: string | null;
  /** The pull request to comment on: `pr-number`, else the event's; null outside a pull request. */
  readonly prNumber: number | null;
  /** Where the number came from, for the log. */
  readonly prSource: 'input' | 'event' | null;
  /** A pull request from a fork: its token is read-only. */
  readonly fromFork: boolean;
  readonly jobSummary: boolean;
  readonly charts: ChartsChoice;
  /** `auto` decided the charts (and why, for the log). */
  readonly chartsReason: string;
  readonly quickchartHost: string;
}

export interface ActionInputs {
  readonly analysis: AnalysisInput;
  readonly publish: PublishOptions;
  readonly context: RunnerContext;
  /** Values to mask in the log. */
  readonly secrets: string[];
}

export type InputReader = (name: string) => string;

/** The runner's convention: INPUT_<NAME>, upper-cased, spaces → `_`, hyphens kept; trimmed. */
export function envInputReader(env: NodeJS.ProcessEnv = process.env): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function readRunnerContext(env: NodeJS.ProcessEnv = process.env): RunnerContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let payload: Record<string, unknown> = {};
  const path = env.GITHUB_EVENT_PATH;
  if (path) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (parsed && typeof parsed === 'object') payload = parsed as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(
        `cannot read the event payload ${path} (GITHUB_EVENT_PATH): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  return {
    eventName,
    payload,
    owner,
    repo,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    graphqlUrl: env.GITHUB_GRAPHQL_URL || undefined,
    tempDir: env.RUNNER_TEMP || undefined,
  };
}

export function readInputs(
  get: InputReader = envInputReader(),
  context: RunnerContext = readRunnerContext(),
  env: NodeJS.ProcessEnv = process.env,
): ActionInputs {
  const sweep = get('sweep');
  const runsFile = get('runs-file');
  const source = sourceFromInputs(get);
  const apiKey = get('wandb-api-key') || env.WANDB_API_KEY || '';
  const params = get('params');
  const goal = get('goal');
  const states = get('states');
  const fidelity = get('fidelity');
  const baseline = get('baseline');
  const token = get('github-token');

  const analysis: AnalysisInput = {
    runsFile: source ? undefined : runsFile || undefined,
    sweep: source ? undefined : sweep || undefined,
    source: source ?? undefined,
    states: states === '' ? undefined : splitList(states, 'states'),
    env,
    wandb: {
      apiKey: apiKey || undefined,
      baseUrl: get('wandb-base-url') || env.WANDB_BASE_URL || undefined,
      states: states === '' ? undefined : splitList(states, 'states'),
      wait: boolean(get, 'wait', false),
      waitTimeoutMinutes: positiveNumber(get, 'wait-timeout', 60),
    },
    target: get('target') || undefined,
    goal: goal === '' ? undefined : oneOf<Goal>(goal, ['maximize', 'minimize'], 'goal'),
    params: params === '' ? undefined : splitList(params, 'params'),
    // the budget column of a multi-fidelity sweep, or 'none'; empty: recognised by name
    fidelity: fidelity === '' ? undefined : fidelity,
    // the base branch's results JSON (an artifact of a run on main), or a runs file or sweep
    baseline: baseline === '' ? undefined : baseline,
    trees: integer(get, 'trees', 250, 1, 100_000),
    seed: integer(get, 'seed', 0, 0, 2 ** 32 - 1),
    // Every core of the runner: the trees are independent, so the forest is the same bit for bit.
    threads: 0,
    rules: parseRules([get('fail-on')]),
    insights: true,
    allowIdLike: boolean(get, 'allow-id-like', false),
  };

  const comment = oneOf(get('comment') || 'update', ['update', 'recreate', 'off'] as const, 'comment');
  const keyInput = get('comment-key');
  const commentKey = keyInput === '' ? null : checkKey(keyInput);
  const pr = pullRequestNumber(get('pr-number'), context);
  const chartsInput = oneOf(
    get('charts') || 'auto',
    ['auto', 'quickchart', 'mermaid', 'none'] as const,
    'charts',
  );
  const charts = chooseCharts(chartsInput, context);
  const quickchartHost = get('quickchart-host') || 'quickchart.io';
  if (!/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?(\/[^\s]*)?$/.test(quickchartHost)) {
    throw new UsageError(
      `quickchart-host "${quickchartHost}" is not a host name: e.g. quickchart.io or charts.example.com`,
    );
  }
  return {
    analysis,
    publish: {
      token,
      comment,
      commentKey,
      prNumber: pr.number,
      prSource: pr.source,
      fromFork: isFromFork(context),
      jobSummary: boolean(get, 'job-summary', true),
      charts: charts.charts,
      chartsReason: charts.reason,
      quickchartHost,
    },
    context,
    // MLflow's credentials come from the environment (a workflow's `env:` from secrets): masked too
    secrets: [apiKey, token, env.MLFLOW_TRACKING_TOKEN ?? '', env.MLFLOW_TRACKING_PASSWORD ?? ''].filter(
      (s) => s.trim() !== '',
    ),
  };
}

/**
 * The source the inputs name (src/sources/registry.ts): exactly one of the sources' selecting inputs
 * (`runs-file`, `sweep`, `mlflow-experiment`, `optuna-storage`). Null for a runs file or a W&B sweep
 * (read from their own inputs above); the request for any other source, from its flags' inputs. An
 * input of another such source (e.g. `optuna-study` without `optuna-storage`) is refused.
 */
function sourceFromInputs(get: InputReader): SourceRequest | null {
  const selectorInput = (s: (typeof SOURCES)[number]): string => s.flags[s.selector].input ?? s.selector;
  const chosen = SOURCES.filter((s) => get(selectorInput(s)) !== '');
  if (chosen.length !== 1) {
    const names = SOURCES.map((s) => `\`${selectorInput(s)}\``);
    throw new UsageError(
      chosen.length === 0
        ? `give one source: the input \`sweep\` (a W&B sweep, entity/project/id or its URL), \`runs-file\` (CSV, JSON or JSONL), \`mlflow-experiment\` or \`optuna-storage\``
        : `give one source, not ${chosen.length === 2 ? 'both' : chosen.length}: one of ${names.join(', ')} (got ${chosen.map((s) => `\`${selectorInput(s)}\``).join(' and ')})`,
    );
  }
  const source = chosen[0];
  for (const other of SOURCES) {
    if (other === source || other.kind === 'file' || other.kind === 'wandb') continue;
    for (const spec of Object.values(other.flags)) {
      if (!spec.input || spec.input in inputsOf(source)) continue;
      const v = get(spec.input);
      if (v !== '' && v !== spec.default) {
        throw new UsageError(
          `input \`${spec.input}\` belongs to \`${selectorInput(other)}\`, not to \`${selectorInput(source)}\``,
        );
      }
    }
  }
  if (source.kind === 'file' || source.kind === 'wandb') return null;
  const options: Record<string, string | undefined> = {};
  for (const [flag, spec] of Object.entries(source.flags)) {
    const v = get(spec.input ?? flag);
    options[flag] = v === '' ? undefined : v;
  }
  return { kind: source.kind, options };
}

function inputsOf(source: (typeof SOURCES)[number]): Record<string, true> {
  return Object.fromEntries(Object.values(source.flags).flatMap((f) => (f.input ? [[f.input, true]] : [])));
}

/** Events whose payload names the pull request; elsewhere only `pr-number` does. */
function pullRequestNumber(
  input: string,
  context: RunnerContext,
): { number: number | null; source: 'input' | 'event' | null } {
  if (input !== '') {
    const n = /^#?(\d+)$/.exec(input);
    if (!n || Number(n[1]) < 1)
      throw new UsageError(`pr-number must be a pull request number such as 42, got "${input}"`);
    return { number: Number(n[1]), source: 'input' };
  }
  const p = context.payload as {
    pull_request?: { number?: unknown };
    issue?: { number?: unknown; pull_request?: unknown };
  };
  if (
    ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'].includes(
      context.eventName,
    )
  ) {
    const n = p.pull_request?.number;
    if (typeof n === 'number') return { number: n, source: 'event' };
  }
  if (context.eventName === 'issue_comment' && p.issue?.pull_request && typeof p.issue.number === 'number') {
    return { number: p.issue.number, source: 'event' };
  }
  return { number: null, source: null };
}

function isFromFork(context: RunnerContext): boolean {
  const pr = (
    context.payload as {
      pull_request?: {
        head?: { repo?: { full_name?: unknown; fork?: unknown } | null };
        base?: { repo?: { full_name?: unknown } };
      };
    }
  ).pull_request;
  if (!pr || context.eventName !== 'pull_request') return false;
  const head = pr.head?.repo;
  if (!head) return true; // the fork was deleted
  return head.full_name !== pr.base?.repo?.full_name;
}

/**
 * `auto`: QuickChart images only when the repository is public (its numbers may travel to a third
 * party); Mermaid, rendered by GitHub itself, for private, internal or unknown visibility.
 */
function chooseCharts(
  input: 'auto' | ChartsChoice,
  context: RunnerContext,
): { charts: ChartsChoice; reason: string } {
  if (input !== 'auto') return { charts: input, reason: `charts: ${input}` };
  const repository = (context.payload as { repository?: { private?: unknown; visibility?: unknown } })
    .repository;
  const isPublic =
    repository?.private === false &&
    (repository.visibility === undefined || repository.visibility === 'public');
  return isPublic
    ? { charts: 'quickchart', reason: 'charts: auto → quickchart (public repository)' }
    : {
        charts: 'mermaid',
        reason: 'charts: auto → mermaid (private or unknown visibility: no data leaves GitHub)',
      };
}

/**
 * A list: one item per line when the value has several lines (so names may hold commas), else
 * comma-separated.
 */
export function splitList(value: string, input: string): string[] {
  const items = (value.includes('\n') ? value.split(/\r?\n/) : value.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0)
    throw new UsageError(`${input} is empty: give a comma-separated list (or one per line)`);
  return items;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], input: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`input ${input} must be one of ${allowed.join(', ')}, got "${value}"`);
}

/** YAML 1.2 core booleans, as @actions/core accepts them. */
function boolean(get: InputReader, input: string, fallback: boolean): boolean {
  const v = get(input);
  if (v === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new UsageError(`input ${input} must be true or false, got "${v}"`);
}

function integer(get: InputReader, input: string, fallback: number, min: number, max: number): number {
  const v = get(input);
  if (v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`input ${input} must be an integer from ${min} to ${max}, got "${v}"`);
  }
  return Number(v);
}

function positiveNumber(get: InputReader, input: string, fallback: number): number {
  const v = get(input);
  if (v === '') return fallback;
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0)
    throw new UsageError(`input ${input} must be a positive number of minutes, got "${v}"`);
  return x;
}
