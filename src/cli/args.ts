/** Command-line parsing: commands, options, help texts. Nothing here reads files or the network. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nearest } from '../names.js';
import { UsageError } from '../errors.js';
import { SOURCES, selectSource, type SourceRequest } from '../sources/registry.js';
import type { Goal } from '../design/types.js';

export type ChartsMode = 'quickchart' | 'mermaid' | 'none';

export interface AnalyzeOptions {
  runs?: string;
  sweep?: string;
  /** Another source of the registry (--mlflow, --optuna …) with its options; runs and sweep unset. */
  source?: SourceRequest;
  target?: string;
  params?: string[];
  goal?: Goal;
  /** --fidelity: the budget column of a multi-fidelity sweep, or 'none' (default: recognised by name). */
  fidelity?: string;
  /** --baseline: a results JSON of an earlier run, or a runs file / W&B sweep to compare with. */
  baseline?: string;
  trees: number;
  seed: number;
  threads?: number;
  where: string[];
  states?: string[];
  wait: boolean;
  waitTimeoutMinutes: number;
  wandbBaseUrl?: string;
  json?: string;
  markdown?: string;
  nextSweep?: string;
  failOn: string[];
  charts: ChartsMode;
  quickchartHost: string;
  insights: boolean;
  /** --allow-id-like: keep a categorical with about one level per run as a hyperparameter. */
  allowIdLike: boolean;
  comment?: string;
  commentMode: 'update' | 'recreate';
  commentKey?: string;
  githubApiUrl?: string;
  quiet: boolean;
  /** Every row of every section on stdout (default: the top entries). */
  full: boolean;
  debug: boolean;
}

export type Command =
  | { kind: 'analyze'; options: AnalyzeOptions }
  | { kind: 'demo'; options: AnalyzeOptions; example?: string; list: boolean }
  | { kind: 'help'; text: string }
  | { kind: 'version' };

export const MAIN_HELP = `sweep-insights: which hyperparameters mattered in a sweep, and what to try next

Usage:
  sweep-insights analyze --runs FILE --target METRIC [--params a,b,c] [options]
  sweep-insights analyze --sweep ENTITY/PROJECT/SWEEP_ID [options]
  sweep-insights demo [EXAMPLE] [options]
  sweep-insights demo --list
  sweep-insights COMMAND --help

Commands:
  analyze   analyse a runs file (CSV, JSON, JSONL), a W&B sweep, an MLflow experiment or an Optuna study
  demo      the same analysis on a bundled example sweep (--list: the examples)

Exit codes: 0 done; 1 a gate (--fail-on) failed; 2 a bad request (usage, input data, unknown
names, a sweep that does not exist); 3 a remote service failed or refused; 4 an internal error.
`;

export const ANALYZE_HELP = `Usage: sweep-insights analyze (--runs FILE | --sweep SWEEP | --mlflow EXPERIMENT | --optuna STORAGE) [options]

Source (one of):
  --runs FILE              runs table: CSV with a header row, JSON (an array of runs or {"runs": [...]}),
                           or JSONL (one run per line); runs may be flat or W&B-shaped (config/summary);
                           - (or a pipe such as /dev/stdin) reads standard input
  --sweep SWEEP            a W&B sweep: ENTITY/PROJECT/SWEEP_ID or https://wandb.ai/ENTITY/PROJECT/sweeps/ID
                           (API key from WANDB_API_KEY)
${sourceHelp()}
What to analyse:
  --target METRIC          the metric to explain (default for a sweep: the sweep's metric)
  --params a,b,c           the hyperparameters (a flat file needs them; W&B runs default to their config
                           keys, a sweep to its config's parameters block)
  --goal maximize|minimize default: minimize when the target's name says loss/error (loss, error, err,
                           ppl, perplexity, mse, rmse, mae), else maximize; for a sweep, its metric's goal
  --where COLUMN=VALUE     keep only matching runs; also !=, <, <=, >, >=; repeatable
                           (e.g. --where budget=100 --where state=finished)
  --fidelity COLUMN|none   the budget column of a multi-fidelity sweep (BOHB, Hyperband), read apart: the
                           sweep at its highest budget with 20+ runs, and how budgets rank configurations
                           (default: a numeric hyperparameter named budget, epochs, iterations, steps, …;
                           none: off)
  --baseline REF           compare with a baseline (e.g. the base branch's sweep): a results JSON written by
                           --json on an earlier run (read back, no refit), or a runs file or W&B sweep
                           analysed the same way; gates delta(best|top_mean|mean), delta_low(…),
                           delta_high(…), importance_shift(p)
  --states a,b             run states to use: W&B's (finished, crashed, …), MLflow's (finished, failed, …;
                           default: every run with a finite target) or Optuna's (default complete;
                           also pruned, fail, running, waiting)
  --allow-id-like          keep a categorical with about one value per run (an id, a path) as a
                           hyperparameter; without it such a column is refused (exit 2)

Engine:
  --trees N                extra trees in the forest (default 250)
  --seed N                 random_state (default 0)
  --threads N              worker threads for the forests and the permutations (default 0 = all cores); same result
  --no-insights            skip cross-validation, permutation importance and advice (about 5× faster)

Outputs:
  --json FILE              the results as JSON (recipe keys, plus goal, best run, insights and gates)
  --markdown FILE          the Markdown report (what the GitHub Action posts)
  --next-sweep FILE        a suggested next W&B sweep config (YAML); for an Optuna study, its distributions
                           (JSON, for optuna.distributions.json_to_distribution)
                           (an output FILE may be - for standard output: the text report is then not printed)
  --charts MODE            charts in the Markdown: quickchart, mermaid or none (default none)
  --quickchart-host HOST   QuickChart server for chart images (default quickchart.io)
  --fail-on RULE           a gate, e.g. "permutation(learning_rate) > 0.02", "best >= 0.9", "runs >= 50";
                           repeatable; exit code 1 when one fails
  --comment OWNER/REPO#N   also post the report as a sticky comment on pull request N (token from
                           GITHUB_TOKEN; API from GITHUB_API_URL, default https://api.github.com)
  --comment-mode MODE      update (default) or recreate
  --comment-key KEY        marker key of the sticky comment (default: from the source and the target)

W&B:
  --wandb-base-url URL     W&B server (default WANDB_BASE_URL or https://api.wandb.ai)
  --wait                   poll until the sweep is FINISHED or CANCELED before analysing
  --wait-timeout MINUTES   give up waiting after this long (default 60; exit code 3)

Other:
  --quiet                  print nothing on stdout (files and exit code only)
  --full                   print every row of every section (default: the top entries, fitted to the terminal)
  --debug                  print the stack of an internal error
  -h, --help               this help
`;

export const DEMO_HELP = `Usage: sweep-insights demo [EXAMPLE] [options]
       sweep-insights demo --list

Runs the analysis on a sweep shipped with the tool (examples/EXAMPLE: runs.csv, with its target, goal and
hyperparameters from target.txt and params.txt) and prints the report. Without EXAMPLE: mnist-pytorch
(3,000 runs of a PyTorch MNIST sweep, target accuracy, seven hyperparameters).

  --list                   list the bundled examples, one line each, and how to run the same by hand
  EXAMPLE                  e.g. hiplot-ml1, random-control, eeg-tcn-bohb (see --list)

Takes the output and engine options of \`analyze\` (--json, --markdown, --next-sweep, --charts, --fail-on,
--trees, --seed, --threads, --no-insights, --quiet, --full), and --target, --goal, --params to override
the example's.
`;

const OPTIONS = {
  runs: { type: 'string' },
  sweep: { type: 'string' },
  target: { type: 'string' },
  params: { type: 'string' },
  goal: { type: 'string' },
  fidelity: { type: 'string' },
  baseline: { type: 'string' },
  trees: { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  where: { type: 'string', multiple: true },
  states: { type: 'string' },
  wait: { type: 'boolean' },
  'wait-timeout': { type: 'string' },
  'wandb-base-url': { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  'next-sweep': { type: 'string' },
  'fail-on': { type: 'string', multiple: true },
  charts: { type: 'string' },
  'quickchart-host': { type: 'string' },
  'no-insights': { type: 'boolean' },
  'allow-id-like': { type: 'boolean' },
  comment: { type: 'string' },
  'comment-mode': { type: 'string' },
  'comment-key': { type: 'string' },
  quiet: { type: 'boolean' },
  full: { type: 'boolean' },
  debug: { type: 'boolean' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags of every source in the registry that the options above do not already have. */
const SOURCE_OPTIONS: Record<string, { type: 'string' | 'boolean' }> = Object.fromEntries(
  SOURCES.flatMap((s) => Object.entries(s.flags))
    .filter(([flag]) => !(flag in OPTIONS))
    .map(([flag, spec]) => [flag, { type: spec.type }]),
);
const ALL_OPTIONS = { ...OPTIONS, ...SOURCE_OPTIONS } as typeof OPTIONS;

/** Help lines for the sources' own flags (those not described above), from the registry. */
function sourceHelp(): string {
  const lines: string[] = [];
  for (const s of SOURCES) {
    // the file's and W&B's flags are described in the text above
    if (s.kind === 'file' || s.kind === 'wandb') continue;
    for (const [flag, spec] of Object.entries(s.flags)) {
      const space = spec.help.indexOf('  ');
      const arg = space > 0 ? spec.help.slice(0, space) : '';
      const text = space > 0 ? spec.help.slice(space + 2) : spec.help;
      const head = `  --${flag}${arg ? ` ${arg}` : ''}`;
      const [first, ...more] = text.split('\n');
      lines.push(head.length < 27 ? head.padEnd(27) + first : `${head}\n${' '.repeat(27)}${first}`);
      for (const line of more) lines.push(' '.repeat(27) + line);
    }
  }
  return lines.join('\n') + '\n';
}

export function parseCommandLine(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { kind: 'help', text: MAIN_HELP };
  }
  if (command === '--version' || command === '-V') return { kind: 'version' };
  if (command !== 'analyze' && command !== 'demo') {
    throw new UsageError(`unknown command "${command}": use analyze or demo (see --help)`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: ALL_OPTIONS,
      allowPositionals: command === 'demo',
      strict: true,
    });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err, command));
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help', text: command === 'demo' ? DEMO_HELP : ANALYZE_HELP };
  const flags = v as Record<string, unknown>;
  if (command === 'demo' && SOURCES.some((s) => flags[s.selector] !== undefined)) {
    throw new UsageError(
      'demo runs on the bundled example: use analyze for --runs, --sweep, --mlflow or --optuna',
    );
  }
  if (command === 'demo' && parsed.positionals.length > 1) {
    throw new UsageError(
      `demo takes one example name, got ${parsed.positionals.length} (${parsed.positionals.slice(0, 3).join(' ')}): see sweep-insights demo --list`,
    );
  }
  if (command === 'analyze' && v.list) {
    throw new UsageError('--list is for demo: sweep-insights demo --list');
  }
  const options: AnalyzeOptions = {
    runs: nonEmpty(v.runs, '--runs'),
    sweep: nonEmpty(v.sweep, '--sweep'),
    target: nonEmpty(v.target, '--target'),
    params: v.params === undefined ? undefined : splitList(v.params, '--params'),
    goal: v.goal === undefined ? undefined : oneOf(v.goal, ['maximize', 'minimize'] as const, '--goal'),
    fidelity: nonEmpty(v.fidelity, '--fidelity'),
    baseline: nonEmpty(v.baseline, '--baseline'),
    trees: integer(v.trees, '--trees', 250, 1, 100_000),
    seed: integer(v.seed, '--seed', 0, 0, 2 ** 32 - 1),
    threads: v.threads === undefined ? undefined : integer(v.threads, '--threads', 1, 0, 256),
    where: v.where ?? [],
    states: v.states === undefined ? undefined : splitList(v.states, '--states'),
    wait: v.wait ?? false,
    waitTimeoutMinutes: number(v['wait-timeout'], '--wait-timeout', 60),
    wandbBaseUrl: v['wandb-base-url'],
    json: outputPath(v.json, '--json'),
    markdown: outputPath(v.markdown, '--markdown'),
    nextSweep: outputPath(v['next-sweep'], '--next-sweep'),
    failOn: v['fail-on'] ?? [],
    charts: oneOf(v.charts ?? 'none', ['quickchart', 'mermaid', 'none'] as const, '--charts'),
    quickchartHost: v['quickchart-host'] ?? 'quickchart.io',
    insights: !v['no-insights'],
    allowIdLike: v['allow-id-like'] ?? false,
    comment: v.comment,
    commentMode: oneOf(v['comment-mode'] ?? 'update', ['update', 'recreate'] as const, '--comment-mode'),
    commentKey: v['comment-key'],
    quiet: v.quiet ?? false,
    full: v.full ?? false,
    debug: v.debug ?? false,
  };
  if (command === 'analyze') {
    // exactly one source, and no flag of another source (src/sources/registry.ts)
    const chosen = selectSource(flags);
    if (chosen.kind !== 'file' && chosen.kind !== 'wandb') {
      for (const [flag, value] of Object.entries(chosen.options)) {
        if (typeof value === 'string') nonEmpty(value, `--${flag}`);
      }
      options.source = chosen;
    }
  }
  checkOutputPaths(options);
  if (command === 'demo') {
    return { kind: 'demo', options, example: parsed.positionals[0], list: v.list ?? false };
  }
  return { kind: command, options };
}

/**
 * node's parseArgs message as one line of ours: an unknown option gets the nearest known one (the same
 * suggestion unknown columns get), e.g. `unknown option --jsn (did you mean --json?)`.
 */
function parseArgsMessage(err: unknown, command: string): string {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const help = `see sweep-insights ${command} --help`;
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) {
    const given = unknown[1];
    // With its dashes: long enough for the near-miss search even when the name is short (--jsn).
    const flag = given.replace(/=.*$/, '');
    const guess = /^--./.test(flag)
      ? nearest(
          flag,
          Object.keys(ALL_OPTIONS).map((k) => `--${k}`),
        )
      : null;
    const shown = JSON.stringify(given).slice(1, -1);
    return guess !== null
      ? `unknown option ${shown} (did you mean ${guess}?); ${help}`
      : `unknown option ${shown}; ${help}`;
  }
  return `${message.replace(/\.$/, '')} (${help})`;
}

/** An output file flag: a path, or `-` for standard output; never empty. */
function outputPath(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '')
    throw new UsageError(`${flag} is empty: give a file name, or - for standard output`);
  return value;
}

/** Two outputs to one path would leave one of them lost: refused before any work. */
function checkOutputPaths(options: AnalyzeOptions): void {
  const seen = new Map<string, string>();
  const outputs: [string, string | undefined][] = [
    ['--json', options.json],
    ['--markdown', options.markdown],
    ['--next-sweep', options.nextSweep],
  ];
  for (const [flag, path] of outputs) {
    if (path === undefined) continue;
    const key = path === '-' ? '-' : resolve(path);
    const other = seen.get(key);
    if (other !== undefined) {
      const where = path === '-' ? 'standard output (-)' : JSON.stringify(path);
      throw new UsageError(`${other} and ${flag} both write ${where}: give each output its own file`);
    }
    seen.set(key, flag);
  }
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} is empty`);
  return value;
}

function splitList(value: string, flag: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`${flag} is empty: give a comma-separated list`);
  return items;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
}

function integer(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function number(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0)
    throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return x;
}
